import Type from 'typebox'
import { Seq, UserId } from './ids.js'

const Obj = <P extends Type.TProperties>(props: P, opts: Type.TObjectOptions = {}) => Type.Object(props, { additionalProperties: false, ...opts })

/** How many reactors of each key a read shows, newest first. */
export const LATEST_REACTORS = 3

/**
 * A reaction: an emoji (a ZWJ sequence counts as one key) or a short name.
 * No whitespace, control characters or bidirectional overrides: keys are shown
 * beside other people's names, and must not be able to reorder or hide them.
 */
const ReactionKey = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[^\\p{Cc}\\s\\u202A-\\u202E\\u2066-\\u2069]+$',
  description: 'an emoji or a short name: 1-32 characters, no whitespace or control characters',
})

/** Command data: add or remove the actor's reaction with `key` on the message at `target`. */
export const reactionCommandData = {
  'reaction.add': Obj({ target: Seq, key: ReactionKey }),
  'reaction.remove': Obj({ target: Seq, key: ReactionKey }),
} as const

/** Event data: the actor's reaction added or removed; the log never holds a reaction twice (the decider refuses). */
export const reactionEventData = {
  'reaction.added': Obj({ target: Seq, key: ReactionKey }),
  'reaction.removed': Obj({ target: Seq, key: ReactionKey }),
} as const

/** One key's aggregate on a message, as the reactions view holds it for the reader. */
export const ReactionCount = Obj(
  {
    key: ReactionKey,
    count: Type.Integer({ minimum: 1, description: 'users reacting with this key now' }),
    mine: Type.Boolean({ description: 'whether I react with this key' }),
    latest: Type.Array(UserId, { maxItems: LATEST_REACTORS, description: `the last ${LATEST_REACTORS} users to react with this key, newest first` }),
  },
  { title: 'ReactionCount' },
)

/** A message's reactions: one entry per key, in the order the keys were first used. */
export const MessageReactions = Obj(
  { seq: Seq, reactions: Type.Array(ReactionCount, { description: 'per key, in the order the keys were first used; empty without reactions' }) },
  { title: 'MessageReactions' },
)

/** An event page's reactions: the aggregates of the page's messages that have any, by seq. */
export const PageReactions = Type.Record(Type.String({ pattern: '^[1-9][0-9]*$' }), Type.Array(ReactionCount), {
  description: 'per message seq of the page that has reactions, its aggregates (same shape as GET .../reactions); messages without reactions are absent',
})
