import type { EventDataOf } from '../../schemas/index.js'
import type { TargetMessage } from './decision.js'
import { type Refusal, refuse } from './refusal.js'
import type { ConversationState } from './state.js'

type ThreadOf = NonNullable<EventDataOf<'message.sent'>['thread']>

/**
 * The thread a reply goes under, or why it may not. The root is a live
 * message of this conversation (the handler loads it from the log, as it
 * loads an edit's target) that is not itself a reply: threads are one level
 * deep, and a reply to a reply is refused rather than re-rooted, so that a
 * client never sees its reply land somewhere it did not name. A recalled,
 * burned or erased root takes no more replies; its thread stays readable.
 */
export function threadOf(rootSeq: number, root: TargetMessage | null | undefined, s: ConversationState): { thread: ThreadOf } | { refusal: Refusal } {
  if (rootSeq > s.seq || !root || root.type !== 'message.sent') return { refusal: refuse('TARGET_NOT_FOUND', `thread root seq ${rootSeq}`) }
  const gone = s.gone.get(rootSeq)
  if (gone) return { refusal: refuse('TARGET_GONE', `thread root seq ${rootSeq} was ${gone}`) }
  if (root.thread !== undefined) return { refusal: refuse('THREAD_NESTED', `seq ${rootSeq} is a reply under seq ${root.thread}`) }
  return { thread: { root: rootSeq, author: root.actor } }
}
