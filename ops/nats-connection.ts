import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type ConnectionOptions, connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node'
import type { Config } from '../schemas/index.js'
import { findRunning } from './running-instance.js'
import { type RunningNats, startNatsServer } from './servers/index.js'

export interface NatsSetup {
  nc: NatsConnection
  url: string
  /** The nats-server this process started, when no URL was configured. */
  local: RunningNats | null
  close(): Promise<void>
}

/**
 * Connects to the configured NATS server, or starts the embedded local one
 * first. With `reuseRunning`, a command beside a running `seqline up` connects
 * to the nats-server it started instead of starting a second one on the same store.
 */
export async function connectNats(config: Config, name: string, opts: { reuseRunning?: boolean } = {}): Promise<NatsSetup> {
  const running = !config.natsUrl && opts.reuseRunning ? findRunning(config.dataDir) : null
  const local =
    config.natsUrl || running
      ? null
      : await startNatsServer({
          storeDir: resolve(join(config.dataDir, 'nats')),
          port: config.natsPort,
          logFile: resolve(join(config.dataDir, 'nats-server.log')),
        })
  const url = config.natsUrl ?? running?.natsUrl ?? local!.url
  // A cluster is configured as the comma-separated URLs of its nodes: the client
  // connects to any of them and, when its node goes, reconnects to another at once.
  const servers = url.split(',').map((s) => s.trim())
  // No async stack captures: nats.js otherwise allocates an Error for every request.
  // Reconnecting waits at most 250 ms before trying a server again (nats.js waits 2 s by default),
  // so losing this process's node costs a fraction of a second.
  const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true, ...natsSecurity(config) })
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

/** Credentials and TLS for a configured NATS server, from configuration only. */
function natsSecurity(config: Config): Partial<ConnectionOptions> {
  const opts: Partial<ConnectionOptions> = {}
  if (config.natsToken) opts.token = config.natsToken
  if (config.natsUser) Object.assign(opts, { user: config.natsUser, pass: config.natsPassword })
  if (config.natsCredsFile) opts.authenticator = credsAuthenticator(new Uint8Array(readFileSync(config.natsCredsFile)))
  if (config.natsCaFile || config.natsCertFile) {
    opts.tls = {
      ...(config.natsCaFile ? { caFile: config.natsCaFile } : {}),
      ...(config.natsCertFile ? { certFile: config.natsCertFile, keyFile: config.natsKeyFile } : {}),
    }
  }
  return opts
}
