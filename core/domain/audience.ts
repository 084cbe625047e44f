import type { EventType, SeqlineEvent } from '../../schemas/index.js'

/**
 * Events that belong to their actor alone. Hiding messages for oneself, or
 * choosing how a conversation notifies oneself, is a user's private act: it is
 * logged like everything else (so every device of that user converges), but no
 * other member sees it, live or in any read.
 * Reads (`conversation.read`) are not private: who has read what is shared
 * with the conversation by design (read receipts, in groups too).
 */
export const PRIVATE_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['message.deleted_for_me', 'notifications.configured'])

export function isPrivate(event: Pick<SeqlineEvent, 'type'>): boolean {
  return PRIVATE_EVENT_TYPES.has(event.type)
}

/**
 * Whether an event of a conversation the user may read reaches that user.
 * Every path that hands events to users (live, sync, range reads, the user's
 * export) asks this; to another member a private event is a hole in the seqs.
 */
export function reaches(event: Pick<SeqlineEvent, 'type' | 'actor'>, user: string): boolean {
  return !isPrivate(event) || event.actor === user
}
