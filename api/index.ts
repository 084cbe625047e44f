// api: its public entry. Other parts import from here, not from the files behind it.
export { CommandTurns } from './command-turns.js'
export { parseOrigins } from './cors.js'
export { processMetrics } from './metrics.js'
export { readiness } from './readiness.js'
export { startApi } from './server.js'
