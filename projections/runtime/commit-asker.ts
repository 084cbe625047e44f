import type { NatsConnection, Subscription } from '@nats-io/transport-node'

/**
 * How a reader waiting for a projection's views (a WebSocket session before
 * its first sync) asks the processes that run the projection to commit now:
 * one empty core NATS message, which any process of any role may send. Under
 * load a projection commits rarely so that each record is written once for
 * many events; the ask keeps a reader from waiting that long.
 */
const subjectOf = (projection: string) => `seqline.views.hurry.${projection}`

/** Asks at most once per this long per process: sessions poll the views every 20 ms, and a reconnecting crowd would ask for each. */
const ASK_EVERY_MS = 20

/** Asks the runners of a projection, wherever they run, to commit what they hold. */
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

/** Calls `hurry` whenever a reader asks the projection to commit (see CommitAsker). */
export function onCommitAsked(nc: NatsConnection, projection: string, hurry: () => void): Subscription {
  return nc.subscribe(subjectOf(projection), { callback: (err) => (err ? undefined : hurry()) })
}
