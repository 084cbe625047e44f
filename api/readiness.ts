import type { NatsConnection } from '@nats-io/transport-node'
import type { Lag } from '../projections/runtime/index.js'
import type { Readiness } from '../schemas/index.js'

/** Views further behind than this make the process not ready: clients would read stale inboxes. */
export const MAX_LAG_SECONDS = 5
const NATS_TIMEOUT_MS = 2_000

/** Ready when NATS answers a ping and, when this process runs the projection, it keeps up. */
export async function readiness(nc: NatsConnection, projectionLag?: () => Promise<Lag>): Promise<Readiness> {
  const [nats, lag] = await Promise.all([natsState(nc), projectionLag ? lagOrError(projectionLag) : undefined])
  const reasons: string[] = []
  if (nats !== 'connected') reasons.push(`NATS connection ${nats}`)
  if (lag instanceof Error) reasons.push(`projection lag unknown: ${lag.message}`)
  else if (lag && lag.seconds >= MAX_LAG_SECONDS)
    reasons.push(`projection ${lag.seconds.toFixed(1)} s behind (${lag.events} events); at most ${MAX_LAG_SECONDS} s`)
  return { ready: reasons.length === 0, nats, ...(lag && !(lag instanceof Error) ? { lag } : {}), reasons }
}

async function natsState(nc: NatsConnection): Promise<Readiness['nats']> {
  if (nc.isClosed() || nc.isDraining()) return 'closed'
  // A round trip, not a flag: while reconnecting the connection is open but answers nothing.
  const answered = await inTime(
    nc.rtt().then(
      () => true,
      () => false,
    ),
    false,
  )
  return answered ? 'connected' : 'unresponsive'
}

async function lagOrError(projectionLag: () => Promise<Lag>): Promise<Lag | Error> {
  const lag = projectionLag().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))
  return inTime(lag, new Error(`no answer within ${NATS_TIMEOUT_MS} ms`))
}

/** A probe must answer in time even when NATS does not. */
async function inTime<T>(work: Promise<T>, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<T>((resolve) => (timer = setTimeout(resolve, NATS_TIMEOUT_MS, late)))
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}
