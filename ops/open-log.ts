import type { NatsConnection } from '@nats-io/transport-node'
import pRetry from 'p-retry'
import { type EventLog, LogLayoutError, openJetStreamLog } from '../core/log/index.js'
import type { Config } from '../schemas/index.js'

const WAIT_MS = 60_000

/**
 * Opens the log with the configured layout, waiting (bounded) for JetStream:
 * a cluster that has just formed elects its meta leader before it accepts
 * stream changes. A configuration error (a changed partition count) fails at once.
 */
export function openLog(nc: NatsConnection, config: Config): Promise<EventLog> {
  const open = () =>
    openJetStreamLog(nc, {
      names: { partitions: config.partitions },
      replicas: config.replicas,
      duplicateWindowMs: config.duplicateWindowMs,
    })
  const permanent = (err: Error) => err instanceof LogLayoutError
  return pRetry(open, {
    retries: Number.POSITIVE_INFINITY,
    maxRetryTime: WAIT_MS,
    minTimeout: 500,
    factor: 1,
    randomize: true,
    shouldRetry: ({ error }) => !permanent(error),
    onFailedAttempt: ({ error, attemptNumber }) => {
      if (attemptNumber === 1 && !permanent(error)) console.error(`waiting for JetStream to accept the log's streams (${error.message})`)
    },
  })
}
