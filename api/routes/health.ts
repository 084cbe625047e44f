import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import { Alive, ErrorBody, MetricsText, Readiness } from '../../schemas/index.js'
import type { ApiDeps } from '../deps.js'
import { readiness } from '../readiness.js'

// Probes and scrapes come from the platform at a steady rate: never rate limited, never authenticated.
const probe = { rateLimit: false } as const
const tags = ['health']

/** /healthz, /readyz, /metrics: the app's metrics (`app.metrics`), which every route reports to, exposed. */
export const healthRoutes = fp<{ deps: ApiDeps }>(
  async (scope, { deps }) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    app.get('/healthz', {
      config: probe,
      schema: { summary: 'The process is alive', tags, security: [], response: { 200: Alive } },
      handler: async () => ({ status: 'ok' as const }),
    })

    app.get('/readyz', {
      config: probe,
      schema: {
        summary: 'Ready to serve: NATS answers and the projection (when run here) is under a few seconds behind',
        tags,
        security: [],
        response: { 200: Readiness, 503: Readiness },
      },
      handler: async (_request, reply) => {
        // An API apart from the projector is ready by its own work: a lagging projector must not take every API out of the balancer.
        const state = await readiness(deps.nc, deps.projectionRunsHere === false ? undefined : deps.projectionLag)
        return reply.code(state.ready ? 200 : 503).send(state)
      },
    })

    const { registry } = app.metrics
    app.get('/metrics', {
      config: probe,
      schema: { summary: 'Prometheus metrics', tags, security: [], response: { 200: MetricsText, '5xx': ErrorBody } },
      handler: async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    })
  },
  { name: 'seqline-health', dependencies: ['seqline-metrics', 'seqline-rate-limit', 'seqline-docs'], encapsulate: true },
)
