import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream'
// nats.js exports the status-reply error (a direct get answered 503 or 408) only from its internal entry.
import { JetStreamStatusError } from '@nats-io/jetstream/internal'
import { errors } from '@nats-io/transport-node'

/**
 * nats-server API error codes nats.js has no constant for (its JetStreamApiCodes
 * names six), named as in nats-server's errors.json. Both say "not now": the
 * cluster or the stream is temporarily unavailable, or has no leader yet.
 */
const ServerApiCodes = {
  /** JSClusterNotAvailErr: "JetStream system temporarily unavailable". */
  ClusterNotAvailable: 10008,
  /** JSClusterNotLeaderErr: "JetStream cluster can not handle request". */
  ClusterNotLeader: 10009,
} as const

const NOT_NOW_CODES: ReadonlySet<number> = new Set([ServerApiCodes.ClusterNotAvailable, ServerApiCodes.ClusterNotLeader])

/** Statuses of JetStream status replies (HTTP-like): nothing answered, or the request timed out on the server. */
const Status = { NoResponders: 503, RequestTimeout: 408 } as const

/** "Wrong last sequence": another writer appended to the conversation first. */
export function isWrongLastSequence(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence
}

export function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound
}

/** A JetStream refusal that passes once the stream has a leader again (as opposed to "never"). */
export function isNotNowRefusal(err: unknown): boolean {
  return err instanceof JetStreamApiError && NOT_NOW_CODES.has(err.code)
}

/**
 * Failures of a JetStream request that pass once the stream has a leader again,
 * as opposed to refusals and bugs: a timeout, no responders (directly or as the
 * cause nats.js wraps it in), a 503 API error or a "not now" code, a 503 or 408 status reply.
 */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof errors.TimeoutError || isNoResponders(err)) return true
  if (err instanceof JetStreamApiError) return err.status === Status.NoResponders || NOT_NOW_CODES.has(err.code)
  if (err instanceof JetStreamStatusError) return err.code === Status.NoResponders || err.code === Status.RequestTimeout
  return false
}

/** nats.js reports "nothing listens" as NoRespondersError, or wrapped as the cause of a RequestError or of a JetStreamNotEnabled. */
function isNoResponders(err: unknown, depth = 0): boolean {
  if (err instanceof errors.NoRespondersError) return true
  if (err instanceof errors.RequestError && err.isNoResponders()) return true
  return depth < 3 && err instanceof Error && isNoResponders(err.cause, depth + 1)
}
