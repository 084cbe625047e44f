import type { FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { Tokens } from './tokens.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The user a valid bearer token speaks for (user routes only). */
    user: string
  }
}

export function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization
  if (!header) throw new ApiError(401, 'UNAUTHORIZED', 'missing Authorization: Bearer <token>')
  const [scheme, token] = header.split(' ')
  if (scheme !== 'Bearer' || !token) throw new ApiError(401, 'UNAUTHORIZED', 'the Authorization header must be Bearer <token>')
  return token
}

/** preHandler of user routes: a valid user token, or 401. */
export function requireUser(tokens: Tokens) {
  return async (request: FastifyRequest) => {
    request.user = await tokens.user(bearer(request))
  }
}

/** preHandler of admin routes: the service credential, or 401. */
export function requireService(tokens: Tokens) {
  return async (request: FastifyRequest) => {
    if (!tokens.isService(bearer(request))) throw new ApiError(401, 'UNAUTHORIZED', 'admin endpoints need the service credential')
  }
}
