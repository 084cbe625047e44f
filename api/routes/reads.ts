import type { FastifyInstance } from 'fastify'
import type { ApiDeps } from '../deps.js'

/** Pull by seq range, sync, inbox, receipts, the user's own export. */
export function readRoutes(_app: FastifyInstance, _deps: ApiDeps): void {}
