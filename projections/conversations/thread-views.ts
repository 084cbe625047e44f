import type { ThreadSummary } from '../../schemas/index.js'
import { keys } from './keys.js'
import { type ContentReader, lastMessage } from './last-message.js'
import type { RecordSource } from './message-index.js'
import type { HeadRecord } from './records.js'
import { type ReplyChunk, type RootsRecord, type ThreadRecord, threadChunkOf } from './threads.js'

/** A thread's summary as one reader sees it: whether they took part, and the last reply's preview read from the log. */
export async function summaryOf(root: number, thread: ThreadRecord, reader: string, contents: ContentReader): Promise<ThreadSummary> {
  const participants = Object.keys(thread.participants).sort()
  return {
    root,
    replies: thread.replies,
    ...(thread.last ? { last: await lastMessage(thread.last, contents) } : {}),
    participants,
    participated: thread.rootAuthor === reader || participants.includes(reader),
  }
}

/**
 * Whether an unread thread reply notifies the user: they wrote its root or a
 * live reply in it. Only the threads the head remembers as active are asked,
 * and only those with replies after the user's read.
 */
export async function threadNotifies(source: RecordSource, conv: string, head: HeadRecord, user: string, readSeq: number, maxSeq: number): Promise<boolean> {
  const unread = (head.threads ?? []).filter((t) => t.last > readSeq && t.last <= maxSeq)
  const threads = await Promise.all(unread.map((t) => source.get<ThreadRecord>(keys.thread(conv, t.root))))
  return threads.some((t) => t !== undefined && (t.rootAuthor === user || (t.participants[user] ?? 0) > 0))
}

/** The thread roots among seqs [first, last], with their records: what a page of events carries. */
export async function threadsIn(source: RecordSource, conv: string, first: number, last: number): Promise<Array<[number, ThreadRecord]>> {
  const chunks: number[] = []
  for (let n = threadChunkOf(first); n <= threadChunkOf(last); n++) chunks.push(n)
  const lists = await Promise.all(chunks.map((n) => source.get<RootsRecord>(keys.roots(conv, n))))
  const roots = lists.flatMap((l) => l?.roots ?? []).filter((r) => r >= first && r <= last)
  const records = await Promise.all(roots.map((r) => source.get<ThreadRecord>(keys.thread(conv, r))))
  return roots.flatMap((r, i) => (records[i] ? [[r, records[i]] as [number, ThreadRecord]] : []))
}

export interface ReplySeqs {
  /** The reply seqs of the page, in the direction asked. */
  seqs: number[]
  /** The cursor of the next page, when there is more. */
  next?: number
}

/**
 * Up to `limit` reply seqs of a thread from a cursor, in either direction,
 * never beyond `head` (a former member's leave seq). The reply list is read
 * chunk by chunk, so a page costs the chunks it touches, not the thread's length.
 */
export async function replySeqs(
  source: RecordSource,
  conv: string,
  root: number,
  thread: ThreadRecord,
  query: { from?: number; limit: number; direction: 'forward' | 'backward' },
  head: number,
): Promise<ReplySeqs> {
  const forward = query.direction === 'forward'
  const from = Math.min(query.from ?? (forward ? 1 : head), head)
  const chunks = forward ? thread.chunks.filter((n) => n >= threadChunkOf(from)) : thread.chunks.filter((n) => n <= threadChunkOf(from)).reverse()
  const seqs: number[] = []
  for (const n of chunks) {
    const chunk = await source.get<ReplyChunk>(keys.replies(conv, root, n))
    const inRange = (chunk?.seqs ?? []).filter((s) => (forward ? s >= from && s <= head : s <= from))
    for (const s of forward ? inRange : inRange.reverse()) {
      if (seqs.length === query.limit) return { seqs, next: s }
      seqs.push(s)
    }
  }
  return { seqs }
}
