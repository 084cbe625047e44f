// ops/servers: its public entry. Other parts import from here, not from the files behind it.
export { startClickHouseServer } from './clickhouse-server.js'
export { localGoMaxProcs, type RunningNats, startNatsServer } from './nats-server.js'
export { tieToParent } from './tie-to-parent.js'
