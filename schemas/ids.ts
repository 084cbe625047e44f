import Type from 'typebox'

// Ids become NATS subject tokens and HTTP path segments, so they exclude
// '.', '*', '>', whitespace and '/'. '~' is reserved as the separator of
// direct conversation ids, '@' marks non-user actors.
const idChars = '[A-Za-z0-9_-]'

export const USER_ID_PATTERN = `^${idChars}{1,64}$`
const CONVERSATION_ID_PATTERN = `^(?:[gc]_${idChars}{1,64}|d~${idChars}{1,64}~${idChars}{1,64})$`

/** The actor of events written by Seqline itself (burn executor, system messages). */
export const SYSTEM_ACTOR = '@system'

export const UserId = Type.String({ pattern: USER_ID_PATTERN, description: 'user id: 1-64 of A-Z a-z 0-9 _ -' })
// One pattern rather than a union, so a bad actor gets one error instead of one per branch.
export const Actor = Type.Unsafe<Type.Static<typeof UserId> | typeof SYSTEM_ACTOR>(
  Type.String({ pattern: `^(?:${idChars}{1,64}|${SYSTEM_ACTOR})$`, description: 'a user id or @system' }),
)
export const ConversationId = Type.String({
  pattern: CONVERSATION_ID_PATTERN,
  // In backticks: the docs page reads descriptions as Markdown, where a bare <id> is an HTML tag and vanishes.
  description: '`g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation',
})
export const CommandId = Type.String({
  pattern: '^[A-Za-z0-9_.:-]{1,128}$',
  description: 'client-chosen id that makes a command idempotent',
})
export const EventId = Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' })
export const Seq = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8640000000000000, description: 'milliseconds since 1970-01-01 UTC' })

export type UserId = Type.Static<typeof UserId>
export type Actor = Type.Static<typeof Actor>
export type ConversationId = Type.Static<typeof ConversationId>
