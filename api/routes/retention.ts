import type { NatsConnection } from '@nats-io/transport-node'
import { until } from '../../core/index.js'
import { AuditLog, type AuditRecord, type ErasureSummary, RetentionSettings, UserErasure, userExport } from '../../projections/retention/index.js'
import {
  Accepted,
  AuditNdjson,
  AuditQuery,
  ConvParams,
  commandBody,
  ErasureAnswer,
  ErasureQuery,
  ErrorBody,
  RetentionDefaults,
  requestField,
  SYSTEM_ACTOR,
  UserExportNdjson,
  UserParams,
} from '../../schemas/index.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError, failureOf } from '../errors.js'
import { sendNdjson } from '../export.js'
import { COMMAND_ERRORS } from '../openapi/index.js'

const tags = ['retention']
const security = [{ service: [] }]
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }
const POLL_MS = 100

type Stores = NonNullable<ApiDeps['retention']>

/** Opened once per connection, on first use, when the process did not open them: every process of a deployment shares them. */
const opened = new WeakMap<NatsConnection, Promise<Stores>>()

function storesOf(deps: ApiDeps): Promise<Stores> {
  if (deps.retention) return Promise.resolve(deps.retention)
  const nc = deps.nc
  let stores = opened.get(nc)
  if (!stores) {
    stores = Promise.all([AuditLog.open(nc), RetentionSettings.open(nc)]).then(([audit, settings]) => ({ audit, settings }))
    // A failed open is tried again by the next request.
    stores.catch(() => opened.delete(nc))
    opened.set(nc, stores)
  }
  return stores
}

/** Retention policies, user erasure and export, and the audit log of those admin actions. */
export function retentionRoutes(app: TypedApp, deps: ApiDeps): void {
  app.get('/v1/admin/retention', {
    schema: { summary: 'The default retention of each conversation kind', tags, security, response: { 200: RetentionDefaults, ...failures } },
    handler: async () => (await storesOf(deps)).settings.get(),
  })

  app.put('/v1/admin/retention', {
    schema: {
      summary: "Set the default retention of each kind (days, or null to keep content); a conversation's own policy beats it. Audited",
      tags,
      security,
      body: RetentionDefaults,
      response: { 200: RetentionDefaults, ...failures },
    },
    handler: async (request) => {
      const { audit, settings } = await storesOf(deps)
      await settings.set(request.body)
      await audit.append({ id: `retention-${Date.now()}`, action: 'retention.defaults-set', ...request.body })
      return request.body
    },
  })

  app.put('/v1/admin/conversations/:conv/retention', {
    config: { errors: COMMAND_ERRORS },
    schema: {
      summary: "Set a conversation's own retention policy (days; null drops it and its kind's default applies), idempotent by id",
      tags,
      security,
      params: ConvParams,
      body: commandBody('retention.configure'),
      response: { 200: Accepted, ...failures },
    },
    handler: async (request) => {
      const { conv } = request.params
      const { id, ...data } = request.body
      const result = await deps.handler.execute({ type: 'retention.configure', id, conv, actor: SYSTEM_ACTOR, data })
      const failure = failureOf(result, (field) => requestField(field))
      if (failure) throw failure
      const ok = result as Extract<typeof result, { ok: true }>
      return { conv, seq: ok.seq, duplicate: ok.duplicate, ...(ok.event ? { event: ok.event } : {}) }
    },
  })

  app.post('/v1/admin/users/:user/erase', {
    config: { errors: ['USER_NOT_FOUND'] },
    schema: {
      summary:
        'Erase the content of every message the user sent, in every conversation (direct, group, left, dissolved), with tombstones; audited. 200 with what was erased, or 202 while it runs',
      tags,
      security,
      params: UserParams,
      querystring: ErasureQuery,
      response: { 200: ErasureAnswer, 202: ErasureAnswer, ...failures },
    },
    handler: async (request, reply) => {
      const { user } = request.params
      await known(deps, user)
      const { audit } = await storesOf(deps)
      const id = await UserErasure.request(audit, user)
      const done = await completed(audit, id, request.query.wait * 1000)
      if (!done) return reply.code(202).send({ request: id, user, status: 'pending' as const })
      return { request: id, user, status: 'completed' as const, conversations: done.conversations, messages: done.messages }
    },
  })

  app.get('/v1/admin/users/:user/export', {
    exposeHeadRoute: false,
    config: { errors: ['USER_NOT_FOUND', 'LOG_UNAVAILABLE'] },
    schema: {
      summary: "A user's memberships and messages, as NDJSON, for a data-subject request; audited",
      tags,
      security,
      params: UserParams,
      response: { 200: UserExportNdjson, ...failures },
    },
    handler: async (request, reply) => {
      const { user } = request.params
      await known(deps, user)
      const { audit } = await storesOf(deps)
      await audit.append({ id: `export-${Date.now()}-${user}`, action: 'user.exported', user })
      return sendNdjson(reply, userExport(deps.log, deps.views, user))
    },
  })

  app.get('/v1/admin/audit', {
    exposeHeadRoute: false,
    schema: {
      summary: 'The audit log of admin actions (retention defaults, user erasures and exports) as NDJSON, oldest first; ?request= for one request',
      tags,
      security,
      querystring: AuditQuery,
      response: { 200: AuditNdjson, ...failures },
    },
    handler: async (request, reply) => {
      const { audit } = await storesOf(deps)
      return sendNdjson(reply, only(audit.records(), request.query.request))
    },
  })
}

/** A user Seqline knows: registered, or with conversations (a user may have written before being registered). */
async function known(deps: ApiDeps, user: string): Promise<void> {
  if (await deps.users.get(user)) return
  if (Object.keys(await deps.views.conversationsOf(user)).length > 0) return
  throw new ApiError(404, 'USER_NOT_FOUND', `${user} is not registered and belongs to no conversation`)
}

type Completion = AuditRecord & Pick<ErasureSummary, 'conversations' | 'messages'>

/** The completion of an erasure request, once it is recorded, within waitMs; null if it is still running. */
async function completed(audit: AuditLog, id: string, waitMs: number): Promise<Completion | null> {
  const found = async () => ((await audit.find('user.erasure-completed', id)) as Completion | null) ?? undefined
  return until(found, { timeoutMs: waitMs, everyMs: POLL_MS, timedOut: () => new Error('pending') }).catch(() => null)
}

async function* only(records: AsyncIterable<AuditRecord>, request?: string): AsyncGenerator<AuditRecord> {
  for await (const r of records) if (request === undefined || r.id === request) yield r
}
