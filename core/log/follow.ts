import { type ConsumerMessages, DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/index.js'
import { decodeEvent } from './codec.js'
import type { Cursor, EventLog, Followed, Follower } from './event-log.js'

export type { Cursor, Followed, Follower } from './event-log.js'

/** Follows the log from `from` (see EventLog.follow). */
export function follow(log: EventLog, from: Cursor, handle: (f: Followed) => Promise<void> | void, only?: readonly number[]): Promise<Follower> {
  return log.follow(from, handle, only)
}

/**
 * Follows partition streams with one ordered consumer each, starting after
 * `from`. Ordered consumers re-create themselves after a server restart, from
 * the last position delivered.
 */
export async function followPartitions(
  nc: NatsConnection,
  js: JetStreamClient,
  streams: readonly string[],
  from: Cursor,
  handle: (f: Followed) => Promise<void> | void,
  only?: readonly number[],
): Promise<Follower> {
  const cursor: Cursor = { ...from }
  const subscriptions: ConsumerMessages[] = []
  const loops: Promise<void>[] = []
  for (const [p, stream] of streams.entries()) {
    if (only && !only.includes(p)) continue
    const consumer = await js.consumers.get(stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: (cursor[p] ?? 0) + 1,
    })
    // A short pull expiry: after a nats-server restart the pending pull is gone, and the
    // consumer notices only by missed heartbeats (half the expiry); the 30 s default left
    // live delivery standing still for 30-45 s after a restart.
    const messages = await consumer.consume({ max_messages: 1024, expires: 5_000 })
    subscriptions.push(messages)
    loops.push(
      (async () => {
        for await (const m of messages) {
          await handle(new FollowedMessage(p, m.seq, m.subject, m.data))
          cursor[p] = m.seq
        }
      })(),
    )
  }
  const stopAll = () => {
    for (const s of subscriptions) s.stop()
  }
  const done = Promise.all(loops).then(
    () => undefined,
    (err: unknown) => {
      stopAll()
      throw err
    },
  )
  return {
    cursor,
    done,
    async stop() {
      // With the connection already closed the consumers cannot confirm stopping; there is nothing left to stop.
      if (nc.isClosed()) return
      stopAll()
      await Promise.allSettled(loops)
    },
  }
}

/**
 * A followed event as its bytes: decoded on first read of `event`. The
 * conversation is the subject's last token, so a follower routing by
 * conversation (the WebSocket hub) skips an event nobody it serves is in
 * without parsing it.
 */
class FollowedMessage implements Followed {
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
