import type { KV } from '@nats-io/kv'
import { readRecord } from '../runtime/index.js'
import { type MineRecord, reactionKeys } from './attached.js'
import { decodeConv, keys } from './keys.js'
import { type ContentReader, lastMessage } from './last-message.js'
import { liveUpTo, type RecordSource } from './message-index.js'
import {
  type HeadRecord,
  type LastMessage,
  type NotificationSetting,
  notificationsAt,
  type ReadRecord,
  type UserConversation,
  type UserRecord,
} from './records.js'
import { threadNotifies } from './thread-views.js'

export interface InboxRow {
  conv: string
  kind: 'direct' | 'group' | 'channel'
  name?: string
  /** The head, or the leave seq for a former member. */
  maxSeq: number
  readSeq: number
  /** Live messages from others after readSeq, up to maxSeq. */
  unread: number
  /** An unread message mentions the user (by name or @all). */
  mentioned: boolean
  last?: LastMessage
  activityAt: number
  /** Last change of anything in this row: new events, the user's reads, their membership. */
  changedAt: number
  groupMuted: boolean
  /** Epoch ms until which the user may not post here; 0 when not muted. */
  mutedUntil: number
  dissolved: boolean
  /** Set when the user left or was removed: the row is frozen at that seq. */
  left?: number
  /** The user's own notification setting here as it holds now. */
  notifications: NotificationSetting
  /** Pinned messages in pin order, the latest last (current members; absent when none). */
  pins?: NonNullable<HeadRecord['pins']>
}

/** Reads records straight from KV: the query side shares nothing with the projection process. */
function kvSource(kv: KV): RecordSource {
  return { get: <T>(key: string) => readRecord<T>(kv, key) }
}

/** A user's conversations, most recently active first; previews are read from the log (`contents`), where alone the text is kept. */
export async function inbox(kv: KV, contents: ContentReader, user: string, window = 64): Promise<InboxRow[]> {
  const record = await readRecord<UserRecord>(kv, keys.user(user))
  if (!record) return []
  const source = kvSource(kv)
  const entries = Object.entries(record.convs)
  const rows: InboxRow[] = []
  for (let i = 0; i < entries.length; i += window) {
    const page = await Promise.all(entries.slice(i, i + window).map(([conv, c]) => row(source, contents, user, conv, c)))
    for (const r of page) if (r) rows.push(r)
  }
  return rows.sort((a, b) => b.activityAt - a.activityAt || a.conv.localeCompare(b.conv))
}

/** One inbox row, or null if the conversation's head is not written yet. */
async function row(source: RecordSource, contents: ContentReader, user: string, conv: string, c: UserConversation): Promise<InboxRow | null> {
  const [head, read] = await Promise.all([source.get<HeadRecord>(keys.head(conv)), source.get<ReadRecord>(keys.read(conv, user))])
  if (!head) return null
  const maxSeq = c.left ?? head.head
  const readSeq = Math.min(read?.seq ?? c.since, maxSeq)
  const lastRecord = c.left !== undefined ? c.lastAtLeave : head.last
  const upToMaxNow = maxSeq === head.head ? head.live : liveUpTo(source, conv, maxSeq)
  const [upToMax, upToRead, last] = await Promise.all([
    upToMaxNow,
    // Most conversations are read to the end: nothing unread, no index lookup.
    readSeq === maxSeq ? upToMaxNow : liveUpTo(source, conv, readSeq),
    lastRecord ? lastMessage(lastRecord, contents) : undefined,
  ])
  // What is attached to messages is shown to current members: a former member's row stands as it was.
  if (last && c.left === undefined) await withReactions(source, conv, user, head, last)
  const mentioned =
    head.mentions.some((m) => m.seq > readSeq && m.seq <= maxSeq && m.actor !== user && (m.all === true || (m.users ?? []).includes(user))) ||
    (await threadNotifies(source, conv, head, user, readSeq, maxSeq))
  // A former member's row stands as it was at the leave (rows written before this was kept fall back to the head).
  const group = c.left !== undefined ? (c.groupAtLeave ?? head) : head
  return {
    conv: decodeConv(conv),
    kind: head.kind,
    ...(group.name ? { name: group.name } : {}),
    maxSeq,
    readSeq,
    unread: upToMax - upToRead,
    mentioned,
    ...(last ? { last } : {}),
    activityAt: c.leftAt !== undefined ? Math.min(c.leftAt, head.activityAt) : head.activityAt,
    changedAt: Math.max(c.left !== undefined ? 0 : head.changedAt, read?.at ?? 0, c.changedAt ?? 0),
    groupMuted: group.groupMuted,
    mutedUntil: c.mutedUntil,
    // Nobody leaves a dissolved group: a former member left it undissolved.
    dissolved: c.left !== undefined ? false : head.dissolved,
    ...(c.left !== undefined ? { left: c.left } : {}),
    notifications: notificationsAt(c.notify, Date.now()),
    ...(c.left === undefined && head.pins ? { pins: head.pins } : {}),
  }
}

/** The last message's reaction aggregates, from the head, with the user's own: one more read only when it has any. */
async function withReactions(source: RecordSource, conv: string, user: string, head: HeadRecord, last: LastMessage): Promise<void> {
  const counts = head.lastReactions
  if (!counts || counts.seq !== last.seq) return
  const mine = (await source.get<MineRecord>(reactionKeys.mine(conv, user, counts.seq)))?.[counts.seq] ?? []
  last.reactions = counts.counts.map((k) => ({ ...k, mine: mine.includes(k.key) }))
}
