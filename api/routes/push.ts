import Type from 'typebox'
import type { PushStatus } from '../../integrations/push/index.js'
import { ErrorBody, PushTarget, PushTargetBody } from '../../schemas/index.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError } from '../errors.js'

const tags = ['admin']
const security = [{ service: [] }]
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

/** The push target (service credential): set, shown without its secret, removed. Every process follows the change at once. */
export function pushRoutes(app: TypedApp, deps: ApiDeps): void {
  const push = deps.push
  if (!push) return
  app.put('/v1/admin/push', {
    schema: {
      summary: 'Set where offline pushes go (url, secret, delaySeconds); in effect at once, no restart',
      tags,
      security,
      body: PushTargetBody,
      response: { 200: PushTarget, 201: PushTarget, ...failures },
    },
    handler: async (request, reply) => {
      const { created } = await push.targets.put(request.body)
      return reply.code(created ? 201 : 200).send(shown(await push.status()))
    },
  })

  app.get('/v1/admin/push', {
    config: { errors: ['PUSH_NOT_CONFIGURED'] },
    schema: { summary: 'The push target (never its secret) and how far delivery has got', tags, security, response: { 200: PushTarget, ...failures } },
    handler: async () => shown(await push.status()),
  })

  app.delete('/v1/admin/push', {
    schema: {
      summary: 'Stop offline push; a target set later starts with the messages sent from then on',
      tags,
      security,
      response: { 204: Type.Null(), ...failures },
    },
    handler: async (_request, reply) => {
      await push.targets.delete()
      return reply.code(204).send(null)
    },
  })
}

/** The target as the API shows it: everything but the secret (and the internal generation). */
function shown(status: PushStatus | null) {
  if (!status) throw new ApiError(404, 'PUSH_NOT_CONFIGURED', 'no push target is set; PUT /v1/admin/push sets one')
  const { url, delaySeconds, updatedAt } = status.target
  return { url, delaySeconds, updatedAt, lag: status.lag, parked: status.parked }
}
