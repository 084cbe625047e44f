import type Type from 'typebox'
import { conversationAudit, conversationAuditNdjson, rangeAudit } from '../../core/log/index.js'
import {
  Accepted,
  ConvParams,
  commandBody,
  ErrorBody,
  ExportQuery,
  MintedToken,
  MintTokenBody,
  ndjsonOf,
  requestField,
  SYSTEM_ACTOR,
  UserParams,
  UserProfile,
  UserRecord,
} from '../../schemas/index.js'
import type { StoredUser } from '../auth/index.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError, failureOf } from '../errors.js'
import { sendNdjson, sendNdjsonBytes } from '../export.js'
import { COMMAND_ERRORS } from '../openapi/index.js'

const tags = ['admin']
const security = [{ service: [] }]
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

type ExportQueryValue = Type.Static<typeof ExportQuery>

/** Service endpoints: users, tokens, system messages, audit export. */
export function adminRoutes(app: TypedApp, deps: ApiDeps): void {
  app.put('/v1/admin/users/:user', {
    schema: {
      summary: 'Register or update a user',
      tags,
      security,
      params: UserParams,
      body: UserProfile,
      response: { 200: UserRecord, 201: UserRecord, ...failures },
    },
    handler: async (request, reply) => {
      const { bot, ...profile } = request.body
      // A bot's deliveries start after the log as it stands when it first becomes one.
      const since = bot ? ((await deps.users.get(request.params.user))?.bot?.since ?? (await deps.log.end())) : undefined
      const { record, created } = await deps.users.put(request.params.user, bot ? { ...profile, bot: { ...bot, since: since! } } : profile)
      return reply.code(created ? 201 : 200).send(withoutSecrets(record))
    },
  })

  app.get('/v1/admin/users/:user', {
    config: { errors: ['USER_NOT_FOUND'] },
    schema: { summary: 'A registered user', tags, security, params: UserParams, response: { 200: UserRecord, ...failures } },
    handler: async (request) => withoutSecrets(await registered(deps, request.params.user)),
  })

  app.post('/v1/admin/tokens', {
    config: { errors: ['USER_NOT_FOUND', 'MINTING_UNAVAILABLE'] },
    schema: {
      summary: 'Mint a user token (needs the shared secret; registered users only)',
      tags,
      security,
      body: MintTokenBody,
      response: { 200: MintedToken, ...failures },
    },
    handler: async (request) => {
      const { user, ttlSeconds } = request.body
      await registered(deps, user)
      return mint(deps, user, ttlSeconds)
    },
  })

  app.post('/v1/admin/conversations/:conv/messages', {
    config: { errors: COMMAND_ERRORS },
    schema: {
      summary: 'Send a system message (actor @system), idempotent by id',
      tags,
      security,
      params: ConvParams,
      body: commandBody('message.send'),
      response: { 200: Accepted, ...failures },
    },
    handler: async (request) => {
      const { conv } = request.params
      const { id, ...data } = request.body
      const result = await deps.handler.execute({ type: 'message.send', id, conv, actor: SYSTEM_ACTOR, data })
      const failure = failureOf(result, (field) => requestField(field))
      if (failure) throw failure
      const ok = result as Extract<typeof result, { ok: true }>
      return { conv, seq: ok.seq, duplicate: ok.duplicate, ...(ok.event ? { event: ok.event } : {}) }
    },
  })

  app.get('/v1/admin/export', {
    // A HEAD would stream the whole export only to discard it.
    exposeHeadRoute: false,
    config: { errors: ['CONVERSATION_NOT_FOUND', 'LOG_UNAVAILABLE'] },
    schema: {
      summary: 'Audit export as NDJSON: one conversation in seq order (?conv), or a time range of the whole log (?since&until)',
      tags,
      security,
      querystring: ExportQuery,
      response: {
        200: ndjsonOf(
          'one event per line; per partition in log order, so per conversation in seq order. Lines with an `audit` field are for verifiers (docs/audit.md): `erased` (the record of an erased seq, in its place) and, last in a conversation export, `head` (its head seq and hash)',
        ),
        ...failures,
      },
    },
    handler: async (request, reply) => {
      const query = request.query
      checkExport(query)
      if (query.conv === undefined) return sendNdjson(reply, rangeAudit(deps.log, query.since!, query.until))
      const head = await deps.log.head(query.conv)
      if (head.seq === 0) throw new ApiError(404, 'CONVERSATION_NOT_FOUND', `${query.conv} does not exist`)
      if (query.since === undefined && query.until === undefined) return sendNdjsonBytes(reply, conversationAuditNdjson(deps.log, query.conv, head.seq))
      return sendNdjson(reply, conversationAudit(deps.log, query.conv, head.seq, query.since, query.until))
    },
  })
}

/** A user record as the API shows it: a bot's URL, never its secret. */
function withoutSecrets(record: StoredUser) {
  const { bot, ...rest } = record
  return bot ? { ...rest, bot: { url: bot.url } } : rest
}

async function registered(deps: ApiDeps, user: string) {
  const record = await deps.users.get(user)
  if (!record) throw new ApiError(404, 'USER_NOT_FOUND', `${user} is not registered`)
  return record
}

async function mint(deps: ApiDeps, user: string, ttlSeconds: number) {
  try {
    return await deps.tokens.mint(user, ttlSeconds)
  } catch (err) {
    // Minting fails only when Seqline verifies with a public key or JWKS: the platform mints its own.
    throw new ApiError(501, 'MINTING_UNAVAILABLE', (err as Error).message)
  }
}

/** An export names a conversation, a start time, or both (a conversation within a time range). */
function checkExport(query: ExportQueryValue): void {
  if (query.conv === undefined && query.since === undefined) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'an export needs conv (one conversation) or since (a time range of the whole log)', {
      errors: [{ field: '/querystring', rule: 'conv-or-since', message: 'conv or since is required' }],
    })
  }
  if (query.since !== undefined && query.until !== undefined && query.until < query.since) {
    throw new ApiError(400, 'VALIDATION_FAILED', `until (${query.until}) is before since (${query.since})`, {
      errors: [{ field: '/querystring/until', rule: 'until-after-since', message: 'until must not be before since' }],
    })
  }
}
