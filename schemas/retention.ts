import Type from 'typebox'
import { StoredEnvelope } from './api-reads.js'
import { RetentionDays } from './events.js'
import { ConversationId, EpochMs, Seq, UserId } from './ids.js'

const Days = Type.Union([RetentionDays, Type.Null()], { description: 'keep content this many days (1 to 36500); null: keep it as long as the log lasts' })

/** The default retention of each kind of conversation; a conversation's own policy beats it. */
export const RetentionDefaults = Type.Object({ direct: Days, group: Days }, { additionalProperties: false, title: 'RetentionDefaults' })

const RequestId = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'the id of an erasure request, as answered by POST /v1/admin/users/{user}/erase',
})

export const ErasureQuery = Type.Object(
  {
    wait: Type.Integer({
      minimum: 0,
      maximum: 120,
      default: 60,
      description: 'seconds to wait for the erasure to complete before answering 202 with the request id (it completes regardless)',
    }),
  },
  { additionalProperties: false },
)

export const ErasureAnswer = Type.Object(
  {
    request: RequestId,
    user: UserId,
    status: Type.Union([Type.Literal('completed'), Type.Literal('pending')]),
    conversations: Type.Optional(
      Type.Array(Type.Object({ conv: ConversationId, messages: Type.Integer({ minimum: 0 }) }), {
        description: 'every conversation the user belongs or belonged to, with the messages erased there',
      }),
    ),
    messages: Type.Optional(Type.Integer({ minimum: 0, description: 'messages erased in all' })),
  },
  { title: 'ErasureAnswer' },
)

export const AuditQuery = Type.Object({ request: Type.Optional(RequestId) }, { additionalProperties: false })

const AuditRecord = Type.Object(
  {
    id: Type.String({ description: 'the request the record belongs to' }),
    action: Type.Union([
      Type.Literal('retention.defaults-set'),
      Type.Literal('user.erasure-requested'),
      Type.Literal('user.erasure-completed'),
      Type.Literal('user.exported'),
    ]),
    at: EpochMs,
    actor: Type.Literal('service'),
  },
  { additionalProperties: true, title: 'AuditRecord', description: "an admin action, with its details (user, counts; never a message's text)" },
)

/** One line of a user's export: a membership, or a message or edit they sent. */
export const UserExportLine = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('membership'),
        conv: ConversationId,
        conversation: Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')]),
        since: Seq,
        left: Type.Optional(Seq),
        leftAt: Type.Optional(EpochMs),
      },
      { additionalProperties: false },
    ),
    Type.Object({ kind: Type.Literal('message'), event: StoredEnvelope }, { additionalProperties: false }),
  ],
  { title: 'UserExportLine' },
)

const ndjson = (description: string, schema: Type.TSchema) => ({ description, content: { 'application/x-ndjson': { schema } } })

export const UserExportNdjson = ndjson(
  'first every membership (current and former), then every message and edit the user sent, per conversation in seq order',
  UserExportLine,
)
export const AuditNdjson = ndjson('every admin action, oldest first', AuditRecord)
