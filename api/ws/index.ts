// api/ws: its public entry. Other parts import from here, not from the files behind it.
export { gateway } from './gateway.js'
export type { GatewayOptions } from './options.js'
