import { join, resolve } from 'node:path'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { Config } from '../schemas/config.js'
import { startNatsServer, type RunningNats } from './servers/nats-server.js'

export interface NatsSetup {
  nc: NatsConnection
  url: string
  /** The nats-server this process started, when no URL was configured. */
  local: RunningNats | null
  close(): Promise<void>
}

/** Connects to the configured NATS server, or starts the embedded local one first. */
export async function connectNats(config: Config, name: string): Promise<NatsSetup> {
  const local = config.natsUrl
    ? null
    : await startNatsServer({
        storeDir: resolve(join(config.dataDir, 'nats')),
        port: config.natsPort,
        logFile: resolve(join(config.dataDir, 'nats-server.log')),
      })
  const url = config.natsUrl ?? local!.url
  // No async stack captures: nats.js otherwise allocates an Error for every request.
  const nc = await connect({ servers: url, name, maxReconnectAttempts: -1, noAsyncTraces: true })
  return {
    nc,
    url,
    local,
    async close() {
      await nc.drain()
      await local?.stop()
    },
  }
}
