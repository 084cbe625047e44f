import type { KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { readPrefix, readRecord } from '../runtime/index.js'
import { keys } from './keys.js'
import type { MembersRecord, ReadRecord } from './records.js'

export interface Receipt {
  seq: number
  /** Members at that seq whose read position covers it (the sender always does). */
  readBy: string[]
  /** Members at that seq who have not read it yet. */
  unreadBy: string[]
}

/**
 * Who has read the message at seq and who has not, among those who were
 * members when it was sent. A read covers everything up to its seq, so one
 * read position per member answers for every message; they are fetched in one
 * pass over the bucket, however large the group.
 */
export async function receipt(nc: NatsConnection, kv: KV, bucket: string, conv: string, seq: number): Promise<Receipt> {
  const [record, reads] = await Promise.all([readRecord<MembersRecord>(kv, keys.members(conv)), readPrefix<ReadRecord>(nc, bucket, keys.readPrefix(conv))])
  const readBy: string[] = []
  const unreadBy: string[] = []
  if (!record) return { seq, readBy, unreadBy }
  const prefix = keys.readPrefix(conv)
  const at = (user: string) => reads.get(`${prefix}${user}`)?.seq ?? 0
  const present = [
    ...Object.entries(record.members).filter(([, m]) => m.since <= seq),
    ...Object.entries(record.former).filter(([, f]) => f.since <= seq && f.left > seq),
  ]
  for (const [user] of present) (at(user) >= seq ? readBy : unreadBy).push(user)
  return { seq, readBy: readBy.sort(), unreadBy: unreadBy.sort() }
}
