import Type from 'typebox'
import { ChannelCreated } from './channels.js'
import { Mentions, MessageContent } from './content.js'
import { Actor, CommandId, ConversationId, EpochMs, EventId, Seq, UserId } from './ids.js'
import { pinEventData } from './pins.js'
import { reactionEventData } from './reactions.js'
import { taggedUnion } from './tagged-union.js'

const Role = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')])
const GrantableRole = Type.Union([Type.Literal('admin'), Type.Literal('member')])
const GroupName = Type.String({ minLength: 1, maxLength: 128 })
const Avatar = Type.String({ format: 'uri', maxLength: 2048 })
const Notice = Type.String({ maxLength: 4000 })
const Users = Type.Array(UserId, { minItems: 1, maxItems: 1000, uniqueItems: true })
const BurnSeconds = Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 })
const Obj = <P extends Type.TProperties>(props: P) => Type.Object(props, { additionalProperties: false })
/** Days a retention policy keeps content: a day to a hundred years. */
export const RetentionDays = Type.Integer({ minimum: 1, maximum: 36_500, description: 'keep content this many days (1 to 36500)' })
/** Most edits of one message: a tombstone names them all (the decider refuses one more with EDIT_LIMIT). */
export const EDITS_PER_MESSAGE = 1000
const EditSeqs = Type.Array(Seq, { maxItems: EDITS_PER_MESSAGE, uniqueItems: true })
/** Most messages one erasure tombstone names: a larger erasure writes several tombstones. */
export const ERASED_PER_TOMBSTONE = 100
/**
 * What a thread reply names: the root it replies under and the root's author,
 * so the views notify the author without reading a root that may since have
 * been erased (a rebuild would not find it).
 */
const ThreadOf = Obj({ root: Seq, author: Actor })
/** On a tombstone or a recall of a thread reply: its root, so views that never saw the reply (a rebuild) update the thread alike. */
const ThreadRoot = Type.Optional(Seq)
const ErasedTargets = Type.Array(Obj({ seq: Seq, edits: Type.Optional(EditSeqs), thread: ThreadRoot }), {
  minItems: 1,
  maxItems: ERASED_PER_TOMBSTONE,
})
const RequestId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })

/**
 * Why content is erased, and what the erasure went by: the cut-off of a
 * retention policy, or the user and the request of a user erasure. The
 * command names target messages; its tombstone names each with its edits.
 */
export function contentErasure<T extends Type.TSchema>(targets: T) {
  const byRetention = Obj({ reason: Type.Literal('retention'), days: RetentionDays, before: EpochMs, targets })
  const forUser = Obj({ reason: Type.Literal('user-erasure'), user: UserId, request: RequestId, targets })
  return taggedUnion([byRetention, forUser], 'reason')
}

const DirectCreated = Obj({ kind: Type.Literal('direct'), members: Type.Array(UserId, { minItems: 2, maxItems: 2 }) })
const GroupCreated = Obj({
  kind: Type.Literal('group'),
  name: GroupName,
  avatar: Type.Optional(Avatar),
  notice: Type.Optional(Notice),
  joinable: Type.Boolean(),
  members: Type.Array(Obj({ user: UserId, role: Role }), { minItems: 1, maxItems: 100_000 }),
})

/**
 * The data schema of every event type, by type name. The type name and its
 * version travel in the envelope. A schema may only grow by optional fields
 * within a version; anything else is a new version with an upcaster in
 * core/log/upcast.ts, so that every event ever written stays readable.
 */
const eventData = {
  'conversation.created': taggedUnion([DirectCreated, GroupCreated, ChannelCreated], 'kind'),
  'member.invited': Obj({ users: Users }),
  'member.joined': Obj({ user: UserId }),
  'member.left': Obj({ user: UserId }),
  'member.kicked': Obj({ user: UserId }),
  'member.role_changed': Obj({ user: UserId, role: GrantableRole }),
  'group.ownership_transferred': Obj({ from: UserId, to: UserId }),
  'group.info_updated': Obj({
    name: Type.Optional(GroupName),
    avatar: Type.Optional(Avatar),
    notice: Type.Optional(Notice),
    joinable: Type.Optional(Type.Boolean()),
    /** false: offline pushes of the group's messages carry no preview. */
    previews: Type.Optional(Type.Boolean()),
  }),
  'group.muted': Obj({}),
  'group.unmuted': Obj({}),
  'member.muted': Obj({ user: UserId, until: EpochMs }),
  'member.unmuted': Obj({ user: UserId }),
  'group.dissolved': Obj({}),
  'message.sent': Obj({
    content: MessageContent,
    mentions: Type.Optional(Mentions),
    replyTo: Type.Optional(Seq),
    /** Set when burn-after-read was on at send time: seconds from the recipient's read to the burn. */
    burnAfter: Type.Optional(BurnSeconds),
    /** Set on a thread reply. */
    thread: Type.Optional(ThreadOf),
  }),
  'message.edited': Obj({ target: Seq, content: MessageContent }),
  /** With erase, the message at `target` and its edits at `edits` are erased from the log, as a burn's are. */
  'message.recalled': Obj({ target: Seq, erase: Type.Boolean(), edits: Type.Optional(EditSeqs), thread: ThreadRoot }),
  'message.deleted_for_me': Obj({ targets: Type.Array(Seq, { minItems: 1, maxItems: 100, uniqueItems: true }) }),
  'conversation.read': Obj({ upTo: Seq }),
  /** The actor's own notification setting for this conversation (private to the actor); `until`: it ends by itself then. */
  'notifications.configured': Obj({
    mode: Type.Union([Type.Literal('all'), Type.Literal('mentions'), Type.Literal('none')]),
    until: Type.Optional(EpochMs),
  }),
  'burn.configured': Obj({ enabled: Type.Boolean(), seconds: BurnSeconds }),
  /** Tombstone: the message at `target`, and its edits at `edits`, have been erased from the log and every view. */
  'message.burned': Obj({ target: Seq, edits: Type.Optional(EditSeqs), thread: ThreadRoot }),
  /** The conversation's own retention policy; null: none, the default of its kind applies. */
  'retention.configured': Obj({ days: Type.Union([RetentionDays, Type.Null()]) }),
  /** Tombstone: each target message, and its edits, have been erased from the log and every view, by a retention policy or a user erasure. */
  'content.erased': contentErasure(ErasedTargets),
  ...reactionEventData,
  ...pinEventData,
} as const

/**
 * The event's link in its conversation's hash chain (docs/audit.md): `prev` is
 * the sha256 of the previous event's link form (absent on seq 1); `salt` is a
 * per-event secret, only on events with erasable content, that the link form's
 * commitment to that content is made with and that is erased with it.
 */
const Chain = Obj({
  prev: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  salt: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
})

type EventData = typeof eventData
export type EventType = keyof EventData
export const EVENT_TYPES = Object.keys(eventData) as EventType[]

/** Current schema version of each event type; written into every new event. */
export const EVENT_VERSION: Record<EventType, number> = Object.fromEntries(EVENT_TYPES.map((t) => [t, 1])) as Record<EventType, number>

export function envelopeSchema<K extends EventType>(type: K) {
  return Type.Object(
    {
      id: EventId,
      type: Type.Literal(type),
      conv: ConversationId,
      seq: Seq,
      at: EpochMs,
      actor: Actor,
      v: Type.Integer({ minimum: 1 }),
      cmd: CommandId,
      bot: Type.Optional(Type.Literal(true, { description: 'written by a bot (a user registered with bot), for clients to show' })),
      data: eventData[type] as EventData[K],
      /** Absent on events written before the chain existed. */
      chain: Type.Optional(Chain),
    },
    { additionalProperties: false, $id: `event:${type}` },
  )
}

type EnvelopeSchema<K extends EventType> = ReturnType<typeof envelopeSchema<K>>
export type EventOf<K extends EventType> = Type.Static<EnvelopeSchema<K>>
export type SeqlineEvent = { [K in EventType]: EventOf<K> }[EventType]
export type EventDataOf<K extends EventType> = Type.Static<EventData[K]>
/** An event before the log has given it a position. */
export type PendingEvent = { [K in EventType]: { type: K; data: EventDataOf<K> } }[EventType]

export const eventSchemas = Object.fromEntries(EVENT_TYPES.map((t) => [t, envelopeSchema(t)])) as {
  [K in EventType]: EnvelopeSchema<K>
}
