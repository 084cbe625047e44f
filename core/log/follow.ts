import { type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream'
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
  const partitions: PartitionFollow[] = []
  const stopAll = () => {
    for (const f of partitions) f.stop()
  }
  for (const [p, stream] of streams.entries()) {
    if (only && !only.includes(p)) continue
    const consumer = await js.consumers.get(stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: (cursor[p] ?? 0) + 1,
    })
    const follow = new PartitionFollow(p, cursor, handle, stopAll)
    // A short pull expiry: after a nats-server restart the pending pull is gone, and the
    // consumer notices only by missed heartbeats (half the expiry); the 30 s default left
    // live delivery standing still for 30-45 s after a restart.
    follow.messages = await consumer.consume({ max_messages: MAX_MESSAGES, expires: 5_000, callback: (m) => follow.take(m) })
    partitions.push(follow)
  }
  const done = Promise.all(partitions.map((f) => f.ended())).then(
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
      await Promise.allSettled(partitions.map((f) => f.ended()))
    },
  }
}

/** Messages each pull asks for: a follower of the whole log takes every event, so large pulls mean few requests. */
const MAX_MESSAGES = 1024

/**
 * One partition's consumer, taking messages through nats.js's callback rather
 * than its async iterator: a handler that returns nothing (live delivery's) is
 * called in the callback itself, so an event costs no promise, no microtask
 * turn and no queued-iterator step. A handler that returns a promise (a
 * processor runner's) is awaited: events that arrive meanwhile queue behind it
 * in order, as the iterator held them. The cursor moves once an event's
 * handler has returned (or its promise resolved).
 */
class PartitionFollow {
  messages: ConsumerMessages | null = null
  /** The last queued handling; null while no handler's promise is pending. */
  private tail: Promise<void> | null = null
  private failed: { err: unknown } | null = null
  private stopped = false

  constructor(
    private readonly partition: number,
    private readonly cursor: Cursor,
    private readonly handle: (f: Followed) => Promise<void> | void,
    private readonly stopAll: () => void,
  ) {}

  take(m: JsMsg): void {
    const f = new FollowedMessage(this.partition, m.seq, m.subject, m.data)
    let next: Promise<void> | undefined
    try {
      next = this.tail ? this.tail.then(() => this.run(f)) : this.run(f)
    } catch (err) {
      return this.fail(err)
    }
    if (next === undefined) return
    const tail: Promise<void> = next.then(
      () => void (this.tail === tail && (this.tail = null)),
      (err: unknown) => this.fail(err),
    )
    this.tail = tail
  }

  private run(f: FollowedMessage): Promise<void> | undefined {
    if (this.stopped) return
    const pending = this.handle(f)
    if (!pending) {
      this.cursor[this.partition] = f.streamSeq
      return
    }
    return pending.then(() => {
      this.cursor[this.partition] = f.streamSeq
    })
  }

  private fail(err: unknown): void {
    this.failed ??= { err }
    this.stopAll()
  }

  stop(): void {
    this.stopped = true
    this.messages?.stop()
  }

  /** Settles once the consumer has closed and a handler in progress has returned; rejects with a handler's or the consumer's error. */
  async ended(): Promise<void> {
    const closedWith = await this.messages!.closed()
    await this.tail
    if (this.failed) throw this.failed.err
    if (closedWith instanceof Error) throw closedWith
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
