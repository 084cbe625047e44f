// core: its public entry. Other parts import from here, not from the files behind it.

export { listKeys } from './kv-keys.js'
export { until } from './until.js'
