// ops/instance: its public entry. Other parts import from here, not from the files behind it.
export { compose } from './compose.js'
