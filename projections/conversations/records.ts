import type { Role } from '../../core/domain/index.js'

/** The last message of a conversation as an inbox row shows it. */
export interface LastMessage {
  seq: number
  actor: string
  at: number
  preview: string
  state: 'live' | 'edited' | 'recalled' | 'burned' | 'erased'
  /** Its reaction aggregates, when it has any, with whether the reader reacts with each key. */
  reactions?: Array<{ key: string; count: number; mine: boolean; latest: string[] }>
}

/** Where the event holding a message's current content is stored: its partition stream and position there. */
export interface ContentRef {
  stream: string
  streamSeq: number
}

/**
 * The last message as the views store it: never its text. A recall with
 * erase can hit any message and a burn erases it, and a view record, once
 * overwritten, still lies in the bucket's block files until nats-server
 * compacts them; so the preview is read from the log when the inbox is read,
 * and an erased event has none.
 */
export interface LastRecord {
  seq: number
  actor: string
  at: number
  state: LastMessage['state']
  /** The sent event, or the edit, whose content is the message's now; absent once recalled or burned. */
  content?: ContentRef
  /** Sent under burn after read: an erased content means burned, not recalled. */
  burnable?: true
  /** Written by versions that copied the text into the record; read as it is, never written. */
  preview?: string
}

export interface Mention {
  seq: number
  actor: string
  users?: string[]
  all?: boolean
}

/** h.<conv>: what every member's inbox row needs; written per event, never sized by membership. */
export interface HeadRecord {
  kind: 'direct' | 'group' | 'channel'
  /** Current members (a channel's subscribers, its owner and admins included); absent on records of versions that kept one member list. */
  members?: number
  name?: string
  head: number
  /** Live messages up to head: sent, not recalled, not burned. */
  live: number
  last?: LastRecord
  /** Time of the last message (or burn): orders the inbox. */
  activityAt: number
  /** Time of the last event of any kind: what a sync since a cursor looks at. */
  changedAt: number
  groupMuted: boolean
  dissolved: boolean
  burn: { enabled: boolean; seconds: number }
  /** Recent mentions of live messages, newest last. */
  mentions: Mention[]
  /** Days the conversation's own retention policy keeps content; absent: the default of its kind applies. */
  retention?: number
  /** The first seq the retention sweep has not passed yet (1 when absent). */
  retainedFrom?: number
  /** Set to false by a group that wants offline pushes without preview text; absent means previews are shown. */
  previews?: false
  /** Pinned messages in pin order, the latest last; absent when none. */
  pins?: Array<{ seq: number; by: string; at: number }>
  /** The reaction aggregates of the last message, while it is the last and has any (the inbox shows them). */
  lastReactions?: { seq: number; counts: Array<{ key: string; count: number; latest: string[] }> }
  /** Threads with the newest replies, newest first (threads.ts): the inbox notifies their participants. */
  threads?: Array<{ root: number; last: number }>
}

/**
 * m.<conv>.<user>: one member, current or (with left) former; written only on
 * that member's membership events, so a group of 100,000 costs one record
 * write per join or leave and has no record near NATS's 1 MB limit.
 */
export interface MemberRecord {
  role: Role
  since: number
  mutedUntil: number
  /** Set for a former member: the seq of the event that removed them. */
  left?: number
}

/** r.<conv>.<user>: how far the user has read. */
export interface ReadRecord {
  seq: number
  at: number
}

/** One conversation in a user's list. */
export interface UserConversation {
  since: number
  mutedUntil: number
  /** Time of the last change of this user's membership here (join, leave, mute). */
  changedAt?: number
  /** Set for former members: they keep the conversation as it stood at this seq. */
  left?: number
  leftAt?: number
  lastAtLeave?: LastRecord
  /** The group's name and mute as they stood at the leave: what changes after it is no business of a former member. */
  groupAtLeave?: { name?: string; groupMuted: boolean }
  /** The user's own notification setting here (a private event); absent means all. */
  notify?: NotificationSetting
}

/** How a conversation notifies a user who is offline; `until`: the mode ends by itself then, and all applies again. */
export interface NotificationSetting {
  mode: 'all' | 'mentions' | 'none'
  until?: number
}

/** The setting as it holds at `now`: a timed one that has ended is all again. */
export function notificationsAt(setting: NotificationSetting | undefined, now: number): NotificationSetting {
  if (!setting || (setting.until !== undefined && setting.until <= now)) return { mode: 'all' }
  return setting
}

/** u.<user>: the conversations of one user; rewritten only on that user's membership events and private events. */
export interface UserRecord {
  convs: Record<string, UserConversation>
}

/** x.<conv>.<n>: which seqs in [n·CHUNK, (n+1)·CHUNK) hold live messages, and how many live ones come before. */
export interface ChunkRecord {
  base: number
  bits: string
}

interface BurnItem {
  seq: number
  sender: string
  after: number
  /** Seqs of edits of the message: their events hold its content too, and are erased with it. */
  edits: number[]
  /** Set once the recipient's read covers the message. */
  dueAt?: number
}

/** d.<conv>: burn-after-read messages not yet burned; the executor burns those that are due. */
export interface BurnRecord {
  items: BurnItem[]
}
