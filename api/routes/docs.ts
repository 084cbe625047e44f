import type { FastifyInstance } from 'fastify'
import type { ApiDeps } from '../deps.js'

/** OpenAPI document generated from the route schemas, and the interactive docs page; rate limits. */
export async function docs(_app: FastifyInstance, _deps: ApiDeps): Promise<void> {}
