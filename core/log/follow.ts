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

/** Messages each pull asks for: a follower of the whole log takes every event, so large pulls mean few requests. */
export const MAX_MESSAGES = 1024
// A short pull expiry: after a nats-server restart the pending pull is gone, and the
// consumer notices only by missed heartbeats (half the expiry); the 30 s default left
// live delivery standing still for 30-45 s after a restart.
export const EXPIRES_MS = 5_000

type Consume = (p: number, stream: string, startSeq: number) => Promise<{ messages: ConsumerMessages; loop: Promise<void> }>

/**
 * Follows partition streams with one ordered consumer each, starting after
 * `from`; each handler call (awaited) finishes before the next event of its
 * partition. Ordered consumers re-create themselves after a server restart,
 * from the last position delivered. The consumer's iterator sends its next
 * pull only once the handler has worked through the messages before it, so a
 * slow handler (a processor catching up on a long log) holds at most a pull's
 * worth of events in memory.
 */
export function followPartitions(
  nc: NatsConnection,
  js: JetStreamClient,
  streams: readonly string[],
  from: Cursor,
  handle: (f: Followed) => Promise<void> | void,
  only?: readonly number[],
): Promise<Follower> {
  const cursor: Cursor = { ...from }
  return followEach(nc, streams, only, cursor, async (p, stream, startSeq) => {
    const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq })
    const messages = await consumer.consume({ max_messages: MAX_MESSAGES, expires: EXPIRES_MS })
    const loop = (async () => {
      for await (const m of messages) {
        await handle(new FollowedMessage(p, m.seq, m.subject, m.data))
        cursor[p] = m.seq
      }
    })()
    return { messages, loop }
  })
}

/** Starts one consumer per followed partition and joins them into one Follower: one partition's failure stops them all. */
async function followEach(
  nc: NatsConnection,
  streams: readonly string[],
  only: readonly number[] | undefined,
  cursor: Cursor,
  consume: Consume,
): Promise<Follower> {
  const subscriptions: ConsumerMessages[] = []
  const loops: Promise<void>[] = []
  const stopAll = () => {
    for (const s of subscriptions) s.stop()
  }
  for (const [p, stream] of streams.entries()) {
    if (only && !only.includes(p)) continue
    let started: Awaited<ReturnType<Consume>>
    try {
      started = await consume(p, stream, (cursor[p] ?? 0) + 1)
    } catch (err) {
      // A start that fails partway stops the partitions already following: nobody else holds them to stop.
      stopAll()
      await Promise.allSettled(loops)
      throw err
    }
    subscriptions.push(started.messages)
    // Observed at once: a partition failing while later ones still start is reported through `done`, not as an unhandled rejection.
    started.loop.catch(() => undefined)
    loops.push(started.loop)
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
