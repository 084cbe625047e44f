import type { KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { readPrefixPage, readRecord } from '../runtime/index.js'
import { keys } from './keys.js'
import type { MemberRecord, ReadRecord } from './records.js'

export interface Receipt {
  seq: number
  /** Members at that seq whose read position covers it (the sender always does). */
  readBy: string[]
  /** Members at that seq who have not read it yet. */
  unreadBy: string[]
  /** More members follow: the after of the next page. */
  next?: string
}

/** Where a page of members starts, and how many it holds at most. */
export interface PageRequest {
  after?: string
  limit: number
}

/** One member as a page lists it. */
export interface MemberRow extends MemberRecord {
  user: string
}

/**
 * A page of a conversation's member records, current and former, one record
 * per member: a page costs its own size, however large the group.
 */
export async function memberPage(nc: NatsConnection, bucket: string, conv: string, page: PageRequest): Promise<{ rows: MemberRow[]; next?: string }> {
  const prefix = keys.memberPrefix(conv)
  const found = await readPrefixPage<MemberRecord>(nc, bucket, prefix, Number(page.after ?? 0), page.limit)
  const rows = found.records.map(([key, m]) => ({ ...m, user: key.slice(prefix.length) }))
  return found.next === undefined ? { rows } : { rows, next: String(found.next) }
}

/**
 * Who has read the message at seq and who has not, among those who were
 * members when it was sent, one page of members at a time. A read covers
 * everything up to its seq, so one read position per member answers for
 * every message.
 */
export async function receipt(nc: NatsConnection, kv: KV, bucket: string, conv: string, seq: number, page: PageRequest): Promise<Receipt> {
  const { rows, next } = await memberPage(nc, bucket, conv, page)
  const present = rows.filter((m) => m.since <= seq && (m.left === undefined || m.left > seq))
  const reads = await Promise.all(present.map((m) => readRecord<ReadRecord>(kv, keys.read(conv, m.user))))
  const readBy: string[] = []
  const unreadBy: string[] = []
  for (const [i, m] of present.entries()) ((reads[i]?.seq ?? 0) >= seq ? readBy : unreadBy).push(m.user)
  return { seq, readBy: readBy.sort(), unreadBy: unreadBy.sort(), ...(next === undefined ? {} : { next }) }
}
