import type { FastifyInstance } from 'fastify'
import type { ApiDeps } from '../deps.js'

/** /healthz, /readyz, /metrics. */
export async function healthRoutes(_app: FastifyInstance, _deps: ApiDeps): Promise<void> {}
