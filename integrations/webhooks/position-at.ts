import { DeliverPolicy, jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor, EventLog } from '../../core/log/index.js'

/**
 * The log position just before a time: per partition, the last event stored
 * before it, so following from the position delivers every event stored from
 * that time on. Each partition is asked with a consumer that starts at the time.
 */
export async function positionAt(nc: NatsConnection, log: EventLog, time: number): Promise<Cursor> {
  const js = jetstream(nc)
  const cursor: Cursor = {}
  for (let p = 0; p < log.partitions; p++) {
    const last = (await log.partitionInfo(p)).lastStreamSeq
    if (last === 0) {
      cursor[p] = 0
      continue
    }
    const consumer = await js.consumers.get(log.streamOfPartition(p), {
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(time).toISOString(),
      inactive_threshold: 30_000,
    })
    try {
      const first = await consumer.next({ expires: 1_000 })
      cursor[p] = first ? first.seq - 1 : last
    } finally {
      await consumer.delete().catch(() => undefined)
    }
  }
  return cursor
}
