import type { NatsConnection } from '@nats-io/transport-node'
import { LogLayoutError, openJetStreamLog, type EventLog } from '../core/log/index.js'
import type { Config } from '../schemas/config.js'

const WAIT_MS = 60_000

/**
 * Opens the log with the configured layout, waiting (bounded) for JetStream:
 * a cluster that has just formed elects its meta leader before it accepts
 * stream changes. A configuration error (a changed partition count) fails at once.
 */
export async function openLog(nc: NatsConnection, config: Config): Promise<EventLog> {
  const deadline = Date.now() + WAIT_MS
  for (let attempt = 1; ; attempt++) {
    try {
      return await openJetStreamLog(nc, { names: { partitions: config.partitions }, replicas: config.replicas, duplicateWindowMs: config.duplicateWindowMs })
    } catch (err) {
      if (err instanceof LogLayoutError || Date.now() > deadline) throw err
      if (attempt === 1) console.error(`waiting for JetStream to accept the log's streams (${(err as Error).message})`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}
