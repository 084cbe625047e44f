// How a reader waiting for a projection's views (a WebSocket session before
// its first sync, a push decision, a user erasure) asks the processes that run
// the projection to commit soon: one empty core NATS message, which every
// projector process listens to. Under load a projection commits rarely, so
// that each record is written once for many events; the ask keeps a waiting
// reader from waiting that long.
import type { NatsConnection, Subscription } from '@nats-io/transport-node'

const subjectOf = (projection: string) => `seqline.views.commit-soon.${projection}`

/** Asks at most once per this long per process: sessions poll the views every 20 ms, and a reconnecting crowd would ask for each. */
const ASK_EVERY_MS = 20

/** Asks the runners of a projection, wherever they run, to commit soon. */
export class CommitAsker {
  private askedAt = 0

  constructor(
    private readonly nc: NatsConnection,
    private readonly projection: string,
  ) {}

  ask(): void {
    const now = Date.now()
    if (now - this.askedAt < ASK_EVERY_MS || this.nc.isClosed()) return
    this.askedAt = now
    this.nc.publish(subjectOf(this.projection))
  }
}

/**
 * Calls `commitSoon` whenever a reader asks the projection to commit (see
 * CommitAsker). A subscription NATS refuses (permissions) is reported once:
 * readers then wait for the full commit interval.
 */
export function onCommitAsked(nc: NatsConnection, projection: string, commitSoon: () => void, refused: (err: Error) => void = () => undefined): Subscription {
  return nc.subscribe(subjectOf(projection), { callback: (err) => (err ? refused(err) : commitSoon()) })
}
