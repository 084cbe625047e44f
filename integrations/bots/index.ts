// integrations/bots: its public entry. Other parts import from here, not from the files behind it.
export { Bots } from './bots.js'
