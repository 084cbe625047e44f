import type { EventOf, PushRequest } from '../../schemas/index.js'

/** What the pusher knows of one member when their push is decided, read from the views. */
export interface MemberFacts {
  user: string
  /** How far the member has read this conversation. */
  readSeq: number
  /** Their notification mode here as it holds now (a timed one that ended is all). */
  mode: 'all' | 'mentions' | 'none'
  /** Their total unread count over every conversation. */
  badge: number
}

type Message = EventOf<'message.sent'>

/**
 * The members a message may be pushed to: members before it (not the sender,
 * not one who joined after it) with no socket open on any Seqline process.
 */
export function offlineMembers(message: Message, members: Record<string, { since: number }>, isOnline: (user: string) => boolean): string[] {
  return Object.entries(members)
    .filter(([user, m]) => user !== message.actor && m.since < message.seq && !isOnline(user))
    .map(([user]) => user)
}

function mentions(message: Message, user: string): boolean {
  const m = message.data.mentions
  return m?.all === true || (m?.users ?? []).includes(user)
}

/**
 * Who a thread reply notifies besides those it mentions (docs/threads.md):
 * the root's author and the authors of the thread's live replies. Absent for
 * a message that is no reply, which notifies every member.
 */
export interface ThreadFollowers {
  rootAuthor: string
  /** Live replies per author (the thread's summary record). */
  participants: Record<string, number>
}

const follows = (thread: ThreadFollowers, user: string) => thread.rootAuthor === user || (thread.participants[user] ?? 0) > 0

/**
 * The push request for one offline member, or null: none when they read the
 * message meanwhile, when their mode is none, or mentions and they are not
 * mentioned. A thread reply is pushed as the inbox counts it: to those it
 * mentions and to the thread's followers, for whom it is a mention (it sets
 * their row's `mentioned`), to nobody else. `preview` is the message's
 * preview line, or undefined when it must not leave Seqline (burn after
 * read, a group without previews).
 */
export function pushFor(message: Message, member: MemberFacts, preview: string | undefined, thread?: ThreadFollowers): PushRequest | null {
  if (member.readSeq >= message.seq) return null
  const mentioned = mentions(message, member.user) || (thread !== undefined && follows(thread, member.user))
  if (thread && !mentioned) return null
  if (member.mode === 'none' || (member.mode === 'mentions' && !mentioned)) return null
  return {
    user: member.user,
    conv: message.conv,
    seq: message.seq,
    sender: message.actor,
    kind: message.data.content.type,
    ...(preview === undefined ? {} : { preview }),
    mentioned,
    badge: member.badge,
  }
}

/** Whether a message's text may be shown in its pushes: never under burn after read, nor in a group that turned previews off. */
export function mayPreview(message: Message, groupPreviews: boolean): boolean {
  return message.data.burnAfter === undefined && groupPreviews
}
