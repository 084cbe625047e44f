import type { FastifyInstance } from 'fastify'
import type { ApiDeps } from '../deps.js'

/** Service endpoints: users, tokens, system messages, audit export. */
export function adminRoutes(_app: FastifyInstance, _deps: ApiDeps): void {}
