// `npm start`: Seqline with its embedded defaults. Starts a local nats-server
// (unless SEQLINE_NATS_URL names one), lays out the event log, and runs until
// SIGINT/SIGTERM. The API and projections join this process as they are built.
import { resolve, join } from 'node:path'
import { connect } from '@nats-io/transport-node'
import { EventLog } from '../core/log/event-log.js'
import { ConfigError, loadConfig } from './config.js'
import { startNatsServer, type RunningNats } from './servers/nats-server.js'

async function main() {
  const config = loadConfig()
  const local = config.natsUrl ? null : await startLocalNats(config.dataDir, config.natsPort)
  const url = config.natsUrl ?? local!.url
  const nc = await connect({ servers: url, name: 'seqline', maxReconnectAttempts: -1 })
  const log = await EventLog.open(nc, {
    names: { partitions: config.partitions },
    replicas: config.replicas,
    duplicateWindowMs: config.duplicateWindowMs,
  })
  console.log(`Seqline is up.
  NATS     ${url}${local ? ` (local nats-server, store in ${local.storeDir})` : ''}
  log      ${config.partitions} partition streams ${log.streamOfPartition(0)}..${log.streamOfPartition(config.partitions - 1)}, ${config.replicas} replica(s)
Ctrl-C stops it.`)
  await untilSignal()
  log.close()
  await nc.drain()
  await local?.stop()
}

async function startLocalNats(dataDir: string, port: number): Promise<RunningNats> {
  const storeDir = resolve(join(dataDir, 'nats'))
  return startNatsServer({ storeDir, port, logFile: resolve(join(dataDir, 'nats-server.log')) })
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done())
    process.once('SIGTERM', () => done())
  })
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(1)
})
