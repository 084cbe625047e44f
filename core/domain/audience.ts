import type { EventType, SeqlineEvent } from '../../schemas/index.js'
import { membershipChange } from './membership.js'

/**
 * Events that belong to their actor alone. Hiding messages for oneself, or
 * choosing how a conversation notifies oneself, is a user's private act: it is
 * logged like everything else (so every device of that user converges), but no
 * other member sees it, live or in any read.
 * Reads (`conversation.read`) are not private: who has read what is shared
 * with the conversation by design (read receipts, in groups too); in a
 * channel they are (see CHANNEL_PRIVATE_TYPES).
 */
export const PRIVATE_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['message.deleted_for_me', 'notifications.configured'])

/**
 * In a channel (id c_...) subscribers do not learn of one another: who
 * joined, left, was invited or removed, and who read how far, is the business
 * of the user it is about; the owner and admins list subscribers instead.
 */
const CHANNEL_PRIVATE_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'conversation.read',
  'member.joined',
  'member.left',
  'member.invited',
  'member.kicked',
])

export function isPrivate(event: Pick<SeqlineEvent, 'type'> & Partial<Pick<SeqlineEvent, 'conv'>>): boolean {
  return PRIVATE_EVENT_TYPES.has(event.type) || (isChannel(event.conv ?? '') && CHANNEL_PRIVATE_TYPES.has(event.type))
}

/** Whether a conversation id names a channel: its kind shows in its id, so routing needs no state. */
export function isChannel(conv: string): boolean {
  return conv.startsWith('c_')
}

/**
 * Whether an event of a conversation the user may read reaches that user.
 * Every path that hands events to users (live, sync, range reads, the user's
 * export) asks this; to another member a private event is a hole in the seqs.
 */
export function reaches(event: Pick<SeqlineEvent, 'type' | 'actor'> & Partial<Pick<SeqlineEvent, 'conv'>>, user: string): boolean {
  if (!isPrivate(event) || event.actor === user) return true
  // A channel's membership event reaches the user it adds or removes, whoever wrote it.
  if (!('data' in event)) return false
  const { added, removed } = membershipChange(event as SeqlineEvent)
  return added.includes(user) || removed.includes(user)
}
