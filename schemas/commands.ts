import Type from 'typebox'
import { ChannelCreate } from './channels.js'
import { Mentions, MessageContent } from './content.js'
import { contentErasure, EDITS_PER_MESSAGE, ERASED_PER_TOMBSTONE, RetentionDays } from './events.js'
import { Actor, CommandId, ConversationId, Seq, UserId } from './ids.js'
import { pinCommandData } from './pins.js'
import { reactionCommandData } from './reactions.js'

const Obj = <P extends Type.TProperties>(props: P, opts: Type.TObjectOptions = {}) => Type.Object(props, { additionalProperties: false, ...opts })
const GroupName = Type.String({ minLength: 1, maxLength: 128 })
const Avatar = Type.String({ format: 'uri', maxLength: 2048 })
const Notice = Type.String({ maxLength: 4000 })

const MAX_MUTE_SECONDS = 366 * 24 * 3600

/** Which messages of a conversation reach a user as offline pushes: all, only those mentioning them, none. */
const NotificationMode = Type.Union([Type.Literal('all'), Type.Literal('mentions'), Type.Literal('none')])

/** The data schema of every command type, by type name. */
export const commandData = {
  'conversation.create-direct': Obj({ peer: UserId }),
  'group.create': Obj({
    name: GroupName,
    avatar: Type.Optional(Avatar),
    notice: Type.Optional(Notice),
    joinable: Type.Optional(Type.Boolean()),
    members: Type.Optional(Type.Array(UserId, { maxItems: 1000, uniqueItems: true })),
    admins: Type.Optional(Type.Array(UserId, { maxItems: 100, uniqueItems: true })),
  }),
  'group.invite': Obj({ users: Type.Array(UserId, { minItems: 1, maxItems: 1000, uniqueItems: true }) }),
  'group.join': Obj({}),
  'group.leave': Obj({}),
  'group.kick': Obj({ user: UserId }),
  'group.change-role': Obj({ user: UserId, role: Type.Union([Type.Literal('admin'), Type.Literal('member')]) }),
  'group.transfer-ownership': Obj({ to: UserId }),
  'group.update-info': Obj(
    {
      name: Type.Optional(GroupName),
      avatar: Type.Optional(Avatar),
      notice: Type.Optional(Notice),
      joinable: Type.Optional(Type.Boolean()),
      previews: Type.Optional(Type.Boolean({ description: "false: offline pushes of this group's messages carry no preview text" })),
    },
    { minProperties: 1 },
  ),
  'group.mute': Obj({}),
  'group.unmute': Obj({}),
  'member.mute': Obj({ user: UserId, seconds: Type.Integer({ minimum: 1, maximum: MAX_MUTE_SECONDS }) }),
  'member.unmute': Obj({ user: UserId }),
  'group.dissolve': Obj({}),
  'message.send': Obj({
    content: MessageContent,
    mentions: Type.Optional(Mentions),
    replyTo: Type.Optional(Seq),
    thread: Type.Optional(Type.With(Seq, { description: 'reply in the thread under this root message (docs/threads.md)' })),
  }),
  'message.edit': Obj({ target: Seq, content: MessageContent }),
  'message.recall': Obj({ target: Seq, erase: Type.Optional(Type.Boolean()) }),
  'message.delete-for-me': Obj({ targets: Type.Array(Seq, { minItems: 1, maxItems: 100, uniqueItems: true }) }),
  'conversation.read': Obj({ upTo: Seq }),
  'notifications.configure': Obj({
    mode: NotificationMode,
    until: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 8640000000000000,
        description: 'epoch ms when the mode ends by itself and the conversation notifies again (a do-not-disturb); absent: until changed',
      }),
    ),
  }),
  'burn.configure': Obj({
    enabled: Type.Boolean(),
    seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 })),
  }),
  'message.burn': Obj({
    target: Seq,
    /** Edits of the message: their events hold its content too and are erased with it. */
    edits: Type.Optional(Type.Array(Seq, { maxItems: EDITS_PER_MESSAGE, uniqueItems: true })),
  }),
  /** A conversation's own retention policy (the service, or a group's owner); null drops it, and the default of the conversation's kind applies. */
  'retention.configure': Obj({ days: Type.Union([RetentionDays, Type.Null()]) }),
  /** Seqline's own: erase messages older than a policy, or a user's messages. The decider adds every edit of each target. */
  'content.erase': contentErasure(Type.Array(Seq, { minItems: 1, maxItems: ERASED_PER_TOMBSTONE, uniqueItems: true })),
  'channel.create': ChannelCreate,
  ...reactionCommandData,
  ...pinCommandData,
} as const

export type CommandData = typeof commandData
export type CommandType = keyof CommandData
export const COMMAND_TYPES = Object.keys(commandData) as CommandType[]

/** Commands that act on one earlier message: the handler loads it for the decider. */
export const TARGETING_COMMANDS = new Set<CommandType>(['message.edit', 'message.recall', 'message.burn', 'reaction.add', 'message.pin'])

function commandSchema<K extends CommandType>(type: K) {
  return Type.Object(
    {
      type: Type.Literal(type),
      id: CommandId,
      conv: ConversationId,
      actor: Actor,
      data: commandData[type] as CommandData[K],
    },
    { additionalProperties: false, $id: `command:${type}` },
  )
}

type CommandSchema<K extends CommandType> = ReturnType<typeof commandSchema<K>>
export type CommandOf<K extends CommandType> = Type.Static<CommandSchema<K>>
export type Command = { [K in CommandType]: CommandOf<K> }[CommandType]

export const commandSchemas = Object.fromEntries(COMMAND_TYPES.map((t) => [t, commandSchema(t)])) as {
  [K in CommandType]: CommandSchema<K>
}
