import { type LiveHooks, viewOf } from '../../integrations/hooks/index.js'
import { ErrorBody, HookList, HookParams, HookSettings, HookView } from '../../schemas/index.js'
import type { TypedApp } from '../deps.js'
import { ApiError } from '../errors.js'

const tags = ['admin']
const security = [{ service: [] }]
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

/**
 * Before-hooks, configured at runtime: stored in NATS KV, followed by every Seqline process
 * (integrations/hooks). Nothing here ever answers with a hook's secret.
 */
export function hookRoutes(app: TypedApp, hooks: LiveHooks): void {
  app.put('/v1/admin/hooks/:name', {
    schema: {
      summary: 'Create or replace a before-hook (in force on every Seqline process within seconds)',
      tags,
      security,
      params: HookParams,
      body: HookSettings,
      response: { 200: HookView, 201: HookView, ...failures },
    },
    handler: async (request, reply) => {
      const { record, created } = await hooks.store.put(request.params.name, request.body)
      return reply.code(created ? 201 : 200).send(viewOf(record))
    },
  })

  app.get('/v1/admin/hooks', {
    schema: { summary: 'Every before-hook, in the order they run (no secrets)', tags, security, response: { 200: HookList, ...failures } },
    handler: async () => ({ hooks: (await hooks.store.list()).map(viewOf) }),
  })

  app.get('/v1/admin/hooks/:name', {
    config: { errors: ['HOOK_NOT_FOUND'] },
    schema: { summary: 'A before-hook (never its secret)', tags, security, params: HookParams, response: { 200: HookView, ...failures } },
    handler: async (request) => {
      const record = await hooks.store.get(request.params.name)
      if (!record) throw notFound(request.params.name)
      return viewOf(record)
    },
  })

  app.delete('/v1/admin/hooks/:name', {
    config: { errors: ['HOOK_NOT_FOUND'] },
    schema: { summary: 'Remove a before-hook; answers with what was removed', tags, security, params: HookParams, response: { 200: HookView, ...failures } },
    handler: async (request) => {
      const removed = await hooks.store.delete(request.params.name)
      if (!removed) throw notFound(request.params.name)
      return viewOf(removed)
    },
  })
}

const notFound = (name: string) => new ApiError(404, 'HOOK_NOT_FOUND', `no before-hook is named ${name}`)
