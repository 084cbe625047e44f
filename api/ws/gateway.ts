import type { FastifyInstance } from 'fastify'
import type { ApiDeps } from '../deps.js'

/** The WebSocket gateway at /v1/ws. */
export async function gateway(_app: FastifyInstance, _deps: ApiDeps): Promise<void> {}
