import type { Cursor } from '../../core/log/index.js'
import type { Webhooks } from '../../integrations/webhooks/index.js'
import { ErrorBody, ReplayAccepted, ReplayBody, WebhookBody, WebhookDeleted, WebhookList, WebhookParams, WebhookState } from '../../schemas/index.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError } from '../errors.js'

const tags = ['webhooks']
const security = [{ service: [] }]
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }
const config = { errors: ['WEBHOOK_NOT_FOUND', 'WEBHOOKS_UNAVAILABLE'] as const }

/** Webhooks: durable, ordered, signed deliveries of the log to a platform's URL; service credential only. */
export function webhookRoutes(app: TypedApp, deps: ApiDeps): void {
  app.put('/v1/admin/webhooks/:name', {
    config: { errors: ['WEBHOOKS_UNAVAILABLE'] },
    schema: {
      summary: 'Create or change a webhook (in effect on every Seqline process at once)',
      tags,
      security,
      params: WebhookParams,
      body: WebhookBody,
      response: { 200: WebhookState, 201: WebhookState, ...failures },
    },
    handler: async (request, reply) => {
      const { state, created } = await webhooks(deps).put(request.params.name, request.body)
      return reply.code(created ? 201 : 200).send(state)
    },
  })

  app.get('/v1/admin/webhooks', {
    config: { errors: ['WEBHOOKS_UNAVAILABLE'] },
    schema: { summary: 'Every webhook with its state', tags, security, response: { 200: WebhookList, ...failures } },
    handler: async () => ({ webhooks: await webhooks(deps).list() }),
  })

  app.get('/v1/admin/webhooks/:name', {
    config,
    schema: {
      summary: 'A webhook and its state: position, lag, last error, parked batches (never its secret)',
      tags,
      security,
      params: WebhookParams,
      response: { 200: WebhookState, ...failures },
    },
    handler: async (request) => (await webhooks(deps).get(request.params.name)) ?? notFound(request.params.name),
  })

  app.delete('/v1/admin/webhooks/:name', {
    config,
    schema: {
      summary: 'Delete a webhook: delivery stops in every process',
      tags,
      security,
      params: WebhookParams,
      response: { 200: WebhookDeleted, ...failures },
    },
    handler: async (request) => {
      if (!(await webhooks(deps).delete(request.params.name))) notFound(request.params.name)
      return { name: request.params.name, deleted: true as const }
    },
  })

  app.post('/v1/admin/webhooks/:name/replay', {
    config: { errors: ['WEBHOOK_NOT_FOUND', 'WEBHOOKS_UNAVAILABLE', 'VALIDATION_FAILED'] },
    schema: {
      summary: 'Deliver again from a time or a log position (at-least-once: the receiver dedupes by event id)',
      tags,
      security,
      params: WebhookParams,
      body: ReplayBody,
      response: { 202: ReplayAccepted, ...failures },
    },
    handler: async (request, reply) => {
      const from = replayFrom(request.body.from, deps.log.partitions)
      const replay = await webhooks(deps).replay(request.params.name, from)
      if (!replay) notFound(request.params.name)
      return reply.code(202).send({ replay: replay!.id, from: replay!.from })
    },
  })
}

function webhooks(deps: ApiDeps): Webhooks {
  if (!deps.webhooks) throw new ApiError(503, 'WEBHOOKS_UNAVAILABLE', 'this process administers no webhooks')
  return deps.webhooks
}

function notFound(name: string): never {
  throw new ApiError(404, 'WEBHOOK_NOT_FOUND', `no webhook named ${name}`)
}

/** A time as epoch ms, or a position whose partitions exist. */
function replayFrom(from: string | Record<string, number>, partitions: number): number | Cursor {
  if (typeof from === 'string') return Date.parse(from)
  const cursor: Cursor = {}
  for (const [key, streamSeq] of Object.entries(from)) {
    const p = Number(key)
    if (p >= partitions) {
      throw new ApiError(400, 'VALIDATION_FAILED', `/body/from/${key}: there are ${partitions} partitions (0 to ${partitions - 1})`, {
        errors: [{ field: `/body/from/${key}`, rule: 'partition', message: `partition ${key} does not exist` }],
      })
    }
    cursor[p] = streamSeq
  }
  return cursor
}
