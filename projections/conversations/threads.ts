import type { EventOf } from '../../schemas/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import type { ViewStore } from '../runtime/index.js'
import { keys } from './keys.js'
import type { ContentRef, HeadRecord, LastRecord } from './records.js'

/** Seqs per chunk of a thread's reply list and of a conversation's list of roots. */
const THREAD_CHUNK = 4096
/** Threads with recent replies a head record remembers, for the inbox to notify their participants. */
const ACTIVE_THREADS = 100

/** t.<conv>.<root>: a thread's summary; no text (the last reply's preview is read from the log). */
export interface ThreadRecord {
  rootAuthor: string
  /** Live replies: sent, not recalled, burned or erased. */
  replies: number
  /** Live replies per author. */
  participants: Record<string, number>
  last?: LastRecord
  /** Indexes of the reply-list chunks (tl.) that hold replies the log still keeps, ascending. */
  chunks: number[]
}

/** tl.<conv>.<root>.<n>: the reply seqs of a thread in [n·THREAD_CHUNK, (n+1)·THREAD_CHUNK) that the log still holds. */
export interface ReplyChunk {
  seqs: number[]
}

/** tp.<conv>.<seq>: a live reply, so a recall, an edit or a burn of it finds its thread and author. */
interface ReplyRecord {
  root: number
  actor: string
}

/** tr.<conv>.<n>: roots of threads in [n·THREAD_CHUNK, (n+1)·THREAD_CHUNK), for a page of events to carry their summaries. */
export interface RootsRecord {
  roots: number[]
}

export const threadChunkOf = (seq: number) => Math.floor(seq / THREAD_CHUNK)

type Reply = EventOf<'message.sent'> & { data: { thread: NonNullable<EventOf<'message.sent'>['data']['thread']> } }

export function isReply(e: EventOf<'message.sent'>): e is Reply {
  return e.data.thread !== undefined
}

/**
 * A reply joins its thread: the summary counts it and points at it as the
 * last reply, its seq joins the thread's reply list, and the head remembers
 * the thread as active so the inbox can notify its participants.
 */
export async function replied(e: Reply, head: HeadRecord, store: ViewStore, at: ContentRef): Promise<void> {
  const { root, author } = e.data.thread
  const key = keys.thread(e.conv, root)
  const thread = (await store.get<ThreadRecord>(key)) ?? (await newThread(store, e.conv, root, author))
  thread.replies++
  thread.participants[e.actor] = (thread.participants[e.actor] ?? 0) + 1
  thread.last = { seq: e.seq, actor: e.actor, at: e.at, state: 'live', content: at }
  await addToList(store, e.conv, root, thread, e.seq)
  store.set(key, thread)
  store.set(keys.reply(e.conv, e.seq), { root, actor: e.actor } satisfies ReplyRecord)
  touch(head, root, e.seq)
}

async function newThread(store: ViewStore, conv: string, root: number, author: string): Promise<ThreadRecord> {
  const key = keys.roots(conv, threadChunkOf(root))
  const roots = (await store.get<RootsRecord>(key)) ?? { roots: [] }
  roots.roots = [...roots.roots, root].sort((a, b) => a - b)
  store.set(key, roots)
  return { rootAuthor: author, replies: 0, participants: {}, chunks: [] }
}

async function addToList(store: ViewStore, conv: string, root: number, thread: ThreadRecord, seq: number): Promise<void> {
  const n = threadChunkOf(seq)
  const key = keys.replies(conv, root, n)
  const chunk = (await store.get<ReplyChunk>(key)) ?? { seqs: [] }
  chunk.seqs.push(seq)
  store.set(key, chunk)
  if (!thread.chunks.includes(n)) thread.chunks = [...thread.chunks, n].sort((a, b) => a - b)
}

/** An edit of a thread's last reply: the summary shows the edited content, read from the edit's event. */
export async function replyEdited(e: EventOf<'message.edited'>, store: ViewStore, at: ContentRef): Promise<void> {
  const reply = await store.get<ReplyRecord>(keys.reply(e.conv, e.data.target))
  if (!reply) return
  const key = keys.thread(e.conv, reply.root)
  const thread = await store.get<ThreadRecord>(key)
  const last = thread?.last
  if (!thread || !last || last.seq !== e.data.target || (last.state !== 'live' && last.state !== 'edited')) return
  thread.last = { seq: last.seq, actor: last.actor, at: last.at, state: 'edited', content: at }
  store.set(key, thread)
}

export type Gone = 'recalled' | 'erased' | 'burned' | 'wiped'

/**
 * A message went: if it is a thread reply, its thread forgets it. The thread
 * comes from the event when it names one (a tombstone or recall of a reply
 * does, so a rebuild that never saw an erased reply updates the thread the
 * same way), else from the reply's own record. Returns whether it was a reply:
 * replies are not the conversation's last message, and are not counted unread.
 */
export async function replyGone(
  e: { conv: string; seq: number; at: number; actor: string },
  target: number,
  named: number | undefined,
  head: HeadRecord,
  store: ViewStore,
  how: Gone,
): Promise<boolean> {
  const replyKey = keys.reply(e.conv, target)
  const reply = await store.get<ReplyRecord>(replyKey)
  const root = named ?? reply?.root
  if (root === undefined) return false
  const key = keys.thread(e.conv, root)
  const thread = await store.get<ThreadRecord>(key)
  if (reply) {
    store.remove(replyKey)
    if (thread) uncount(thread, reply.actor)
  }
  if (!thread) return true
  thread.last = lastAfter(thread.last, target, e, how)
  if (how !== 'recalled') await removeFromList(store, e.conv, root, thread, target)
  if (thread.replies === 0 && thread.chunks.length === 0) {
    await forget(store, e.conv, root, head)
    return true
  }
  store.set(key, thread)
  touch(head, root, target)
  return true
}

function uncount(thread: ThreadRecord, actor: string): void {
  thread.replies--
  const left = (thread.participants[actor] ?? 1) - 1
  if (left > 0) thread.participants[actor] = left
  else delete thread.participants[actor]
}

/** The last reply once `target` went, as the inbox's last message does it: from the event alone, whether or not the reply was seen. */
function lastAfter(last: LastRecord | undefined, target: number, e: { at: number; actor: string }, how: Gone): LastRecord | undefined {
  if (how === 'recalled') return last?.seq === target ? { seq: target, actor: last.actor, at: last.at, state: 'recalled' } : last
  if (target < (last?.seq ?? 0)) return last
  if (how === 'wiped') return { seq: target, actor: SYSTEM_ACTOR, at: last?.at ?? e.at, state: 'erased' }
  return how === 'burned' ? { seq: target, actor: SYSTEM_ACTOR, at: e.at, state: 'burned' } : { seq: target, actor: e.actor, at: e.at, state: 'recalled' }
}

async function removeFromList(store: ViewStore, conv: string, root: number, thread: ThreadRecord, seq: number): Promise<void> {
  const n = threadChunkOf(seq)
  const key = keys.replies(conv, root, n)
  const chunk = await store.get<ReplyChunk>(key)
  if (!chunk?.seqs.includes(seq)) return
  chunk.seqs = chunk.seqs.filter((s) => s !== seq)
  if (chunk.seqs.length > 0) {
    store.set(key, chunk)
    return
  }
  store.remove(key)
  thread.chunks = thread.chunks.filter((c) => c !== n)
}

/** A thread with nothing left (every reply erased) is gone as if it had never been: what a rebuild would find. */
async function forget(store: ViewStore, conv: string, root: number, head: HeadRecord): Promise<void> {
  store.remove(keys.thread(conv, root))
  const key = keys.roots(conv, threadChunkOf(root))
  const roots = await store.get<RootsRecord>(key)
  if (roots) {
    roots.roots = roots.roots.filter((r) => r !== root)
    if (roots.roots.length > 0) store.set(key, roots)
    else store.remove(key)
  }
  if (head.threads) head.threads = head.threads.filter((t) => t.root !== root)
}

/**
 * The head remembers the threads with the newest replies (the highest reply
 * seq each has seen, a tombstone's included, so a rebuild ends the same).
 */
function touch(head: HeadRecord, root: number, seq: number): void {
  const threads = head.threads ?? []
  const before = threads.find((t) => t.root === root)?.last ?? 0
  const kept = threads.filter((t) => t.root !== root)
  kept.push({ root, last: Math.max(before, seq) })
  kept.sort((a, b) => b.last - a.last)
  head.threads = kept.slice(0, ACTIVE_THREADS)
}
