import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream'
import type { SeqlineEvent } from '../../schemas/events.js'
import { decodeEvent } from './codec.js'
import type { EventLog } from './event-log.js'

/** How far a follower has got: the last stream seq handled, per partition. Absent means nothing yet. */
export type Cursor = Record<number, number>

export interface Followed {
  partition: number
  streamSeq: number
  event: SeqlineEvent
}

export interface Follower {
  /** The position after the last event whose handler returned; persist it to resume there. */
  readonly cursor: Cursor
  /** Settles when the follower stops; rejects with the first handler error, which stops every partition. */
  readonly done: Promise<void>
  stop(): Promise<void>
}

/**
 * Delivers every event of the log in log order per partition (so in seq order
 * per conversation), starting after `from`. Each handler call finishes before
 * the next event of its partition is delivered; partitions run side by side.
 * Ordered consumers re-create themselves after a server restart, from the last
 * position delivered.
 */
export async function follow(
  log: EventLog,
  from: Cursor,
  handle: (f: Followed) => Promise<void> | void,
): Promise<Follower> {
  const js = jetstream(log.nc)
  const cursor: Cursor = { ...from }
  const subscriptions: ConsumerMessages[] = []
  const loops: Promise<void>[] = []
  for (let p = 0; p < log.partitions; p++) {
    const consumer = await js.consumers.get(log.streamOfPartition(p), {
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
          await handle({ partition: p, streamSeq: m.seq, event: decodeEvent(m.data) })
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
      stopAll()
      await Promise.allSettled(loops)
    },
  }
}
