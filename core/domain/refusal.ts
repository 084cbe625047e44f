/** Stable refusal codes: clients and the API map on these, so they never change meaning. */
export const REFUSALS = {
  CONVERSATION_NOT_FOUND: 'the conversation does not exist',
  ALREADY_EXISTS: 'the conversation already exists',
  CONVERSATION_ID_MISMATCH: 'the conversation id does not match what the command creates',
  INVALID_PEER: 'a direct conversation needs two different users',
  NOT_MEMBER: 'the actor is not a member of the conversation',
  NOT_GROUP: 'the command applies to group conversations only',
  BURN_DIRECT_ONLY: 'burn after read applies to direct conversations only',
  DISSOLVED: 'the group is dissolved; it accepts no more writes',
  GROUP_MUTED: 'the group is muted; only the owner and admins may post',
  MUTED: 'the actor is muted in this group',
  FORBIDDEN_ROLE: 'the actor role does not allow this',
  ALREADY_MEMBER: 'the user is already a member',
  TARGET_NOT_MEMBER: 'the target user is not a member',
  OWNER_MUST_TRANSFER: 'the owner must transfer ownership before leaving',
  JOIN_CLOSED: 'the group is not open to join; ask a member for an invitation',
  GROUP_FULL: 'the group has reached its member limit',
  TARGET_NOT_FOUND: 'no message with that seq in this conversation',
  TARGET_GONE: 'the message was recalled or burned',
  NOT_AUTHOR: 'only the author may edit a message',
  NOT_EDITABLE: 'only text and custom messages can be edited',
  EDIT_LIMIT: 'the message has been edited as often as it may be',
  RECALL_WINDOW_PASSED: 'the recall window for this message has passed',
  NOT_ERASABLE: 'the message is not one this erasure may remove',
  NOT_BURNABLE: 'the message was not sent under burn after read',
  SEQ_OUT_OF_RANGE: 'the seq is beyond the conversation head or the actor visible range',
  MENTION_NOT_MEMBER: 'a mentioned user is not a member',
  NOTIFY_UNTIL_INVALID: 'until must be a future time, and only ends a quieter mode (mentions or none)',
  CHANNEL_READ_ONLY: 'subscribers of a channel read; only the owner and admins post',
  ALREADY_REACTED: 'the actor already reacts to this message with this key',
  REACTION_NOT_FOUND: 'the actor does not react to this message with this key',
  REACTION_KEYS_FULL: 'the message carries the most distinct reaction keys allowed',
  ALREADY_PINNED: 'the message is already pinned',
  NOT_PINNED: 'the message is not pinned',
  PINS_FULL: 'the conversation has the most pinned messages allowed; unpin one first',
  THREAD_NESTED: 'a thread is one level deep: reply under the root of the thread, not under a reply',
  BLOCKED: 'the other member of this direct conversation does not accept this from you',
} as const

export type RefusalCode = keyof typeof REFUSALS

export interface Refusal {
  code: RefusalCode
  message: string
}

export function refuse(code: RefusalCode, detail?: string): Refusal {
  return { code, message: detail ? `${REFUSALS[code]}: ${detail}` : REFUSALS[code] }
}
