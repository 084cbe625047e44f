import Type from 'typebox'
import { type CommandData, type CommandType, commandData } from './commands.js'
import { ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode } from './error-codes.js'
import { CommandId, ConversationId, Seq, UserId } from './ids.js'
import { Time } from './times.js'

/** The one error shape of every refusal, REST and WebSocket alike. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Unsafe<ErrorCode>({
        type: 'string',
        enum: ERROR_CODE_NAMES,
        description: `stable code; its status and whether to retry:\n${ERROR_CODE_NAMES.map((c) => `- ${c}: ${ERROR_CODES[c].status}, retry ${ERROR_CODES[c].retry}`).join('\n')}`,
      }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorBody', title: 'ErrorBody' },
)

/**
 * The request body of a command endpoint: the command's own data plus the
 * client's idempotency id. Built from the command schema, so there is one source.
 */
export function commandBody<K extends Exclude<CommandType, 'content.erase'>, O extends string = never>(type: K, omit: readonly O[] = []) {
  const data: { properties: Type.TProperties; minProperties?: number } = commandData[type]
  const props = { ...data.properties }
  for (const key of omit) delete props[key]
  // A rule on the data as a whole holds for the body too, where id is one more field.
  const least = data.minProperties
  const rule = least ? { minProperties: least + 1, description: `id and at least ${least} of ${Object.keys(props).join(', ')}` } : {}
  // The loop above cannot tell the compiler which fields are left: stated here, for typed handlers.
  const kept = props as Omit<CommandData[K]['properties'], O>
  return Type.Object({ id: CommandId, ...kept }, { additionalProperties: false, title: `${typeName(type)}Body`, ...rule })
}

/**
 * Where a field of a command came from in the HTTP request: its data is the body
 * (some data fields are path parameters instead), its id is in the body, its
 * conversation in the path. Fields the server sets itself (type, actor) keep their name.
 */
export function requestField(field: string, fromPath: Record<string, string> = {}, conv = '/params/conv'): string {
  if (field === '/id') return '/body/id'
  if (field === '/conv') return conv
  const data = /^\/data(?:\/([^/]*))?(.*)$/.exec(field)
  if (!data) return field
  const [, head, rest] = data
  if (head === undefined) return '/body'
  const param = fromPath[head]
  return param ? `/params/${param}${rest}` : `/body/${head}${rest}`
}

/** A command type as a type name: message.delete-for-me → MessageDeleteForMe. */
function typeName(type: string): string {
  return type
    .split(/[.-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}

export const Accepted = Type.Object(
  {
    conv: ConversationId,
    seq: Type.Integer({ minimum: 0, description: 'seq of the event written, or the head when the command changed nothing' }),
    duplicate: Type.Boolean({ description: 'true when this command id was seen before: the original result' }),
    event: Type.Optional(Type.Unknown()),
  },
  { title: 'Accepted' },
)

export const ConvParams = Type.Object({ conv: ConversationId }, { additionalProperties: false })
export const ConvSeqParams = Type.Object({ conv: ConversationId, seq: Seq }, { additionalProperties: false })
export const ConvUserParams = Type.Object({ conv: ConversationId, user: UserId }, { additionalProperties: false })
export const UserParams = Type.Object({ user: UserId }, { additionalProperties: false })

export const RangeQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 1, description: 'first seq going forward, last seq going backward' }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    direction: Type.Union([Type.Literal('forward'), Type.Literal('backward')], { default: 'forward' }),
  },
  { additionalProperties: false },
)

export const MintTokenBody = Type.Object(
  { user: UserId, ttlSeconds: Type.Integer({ minimum: 60, maximum: 30 * 24 * 3600, default: 3600 }) },
  { additionalProperties: false, title: 'MintTokenBody' },
)

export const UserProfile = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    avatar: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    meta: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 1024 }))),
    bot: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            format: 'uri',
            pattern: '^https?://',
            maxLength: 2048,
            description: "where every event of the bot's conversations is POSTed",
            examples: ['https://bots.example.com/echo'],
          }),
          secret: Type.String({
            minLength: 16,
            maxLength: 256,
            description: 'HMAC-SHA256 key of Seqline-Signature; never returned',
            examples: ['bot-secret-0123456789'],
          }),
        },
        { additionalProperties: false, description: 'makes the user a bot: its conversations are delivered to url, durably and signed' },
      ),
    ),
  },
  { additionalProperties: false, title: 'UserProfile' },
)

export const ExportQuery = Type.Object(
  {
    conv: Type.Optional(ConversationId),
    since: Type.Optional(Time),
    until: Type.Optional(Time),
  },
  { additionalProperties: false },
)

export type RangeQuery = Type.Static<typeof RangeQuery>
export type UserProfile = Type.Static<typeof UserProfile>
