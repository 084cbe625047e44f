import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/index.js'
import { decodeEvent } from './codec.js'
import type { Cursor, EventLog, Followed, Follower } from './event-log.js'

export type { Cursor, Followed, Follower } from './event-log.js'

/** Follows the log from `from` (see EventLog.follow). */
export function follow(log: EventLog, from: Cursor, handle: (f: Followed) => Promise<void> | void, only?: readonly number[]): Promise<Follower> {
  return log.follow(from, handle, only)
}

/** Messages each pull asks for: a follower of the whole log takes every event, so large pulls mean few requests. */
export const MAX_MESSAGES = 1024
// A short pull expiry: after a nats-server restart the pending pull is gone, and the
// consumer notices only by missed heartbeats (half the expiry); the 30 s default left
// live delivery standing still for 30-45 s after a restart.
export const EXPIRES_MS = 5_000

/**
 * Follows one partition stream with an ordered consumer, starting after
 * `after`; each handler call (awaited) finishes before the next event.
 * Ordered consumers re-create themselves after a server restart, from the
 * last position delivered. The consumer's iterator sends its next pull only
 * once the handler has worked through the messages before it, so a slow
 * handler (a processor catching up on a long log) holds at most a pull's
 * worth of events in memory. A handler's error ends it and rejects `done`.
 */
export async function followPartition(
  nc: NatsConnection,
  js: JetStreamClient,
  stream: string,
  partition: number,
  after: number,
  handle: (f: Followed) => Promise<void> | void,
): Promise<Follower> {
  const cursor: Cursor = { [partition]: after }
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 })
  const messages = await consumer.consume({ max_messages: MAX_MESSAGES, expires: EXPIRES_MS })
  const done = (async () => {
    for await (const m of messages) {
      await handle(new FollowedMessage(partition, m.seq, m.subject, m.data))
      cursor[partition] = m.seq
    }
  })()
  // Observed at once, so a failure before the caller holds `done` is not an unhandled rejection.
  done.catch(() => undefined)
  return {
    cursor,
    done,
    async stop() {
      // With the connection already closed the consumer cannot confirm stopping; there is nothing left to stop.
      if (nc.isClosed()) return
      messages.stop()
      await done.catch(() => undefined)
    },
  }
}

/**
 * A followed event as its bytes: decoded on first read of `event`. The
 * conversation is the subject's last token, so a follower routing by
 * conversation (the WebSocket hub) skips an event nobody it serves is in
 * without parsing it.
 */
export class FollowedMessage implements Followed {
  private decoded: SeqlineEvent | undefined

  constructor(
    readonly partition: number,
    readonly streamSeq: number,
    private readonly subject: string,
    readonly body: Uint8Array,
  ) {}

  get conv(): string {
    return this.subject.slice(this.subject.lastIndexOf('.') + 1)
  }

  get event(): SeqlineEvent {
    this.decoded ??= decodeEvent(this.body)
    return this.decoded
  }
}
