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
 * The push request for one offline member, or null: none when they read the
 * message meanwhile, when their mode is none, or mentions and they are not
 * mentioned. `preview` is the message's preview line, or undefined when it
 * must not leave Seqline (burn after read, a group without previews).
 */
export function pushFor(message: Message, member: MemberFacts, preview: string | undefined): PushRequest | null {
  if (member.readSeq >= message.seq) return null
  const mentioned = mentions(message, member.user)
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
