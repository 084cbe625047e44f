import type { FastifyRequest } from 'fastify'
import { ApiError } from '../errors.js'
import type { AuthFailures } from '../rate-limit.js'
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

/** onRequest of user routes: a valid user token, or 401 (429 once an IP has failed too often this minute). */
export function requireUser(tokens: Tokens, failures: AuthFailures) {
  return async (request: FastifyRequest) => {
    await refuseIfBlocked(request, failures)
    try {
      request.user = await tokens.user(bearer(request))
    } catch (err) {
      await failures.record(request)
      throw err
    }
  }
}

/** onRequest of admin routes: the service credential, or 401 (429 once an IP has failed too often this minute). */
export function requireService(tokens: Tokens, failures: AuthFailures) {
  return async (request: FastifyRequest) => {
    await refuseIfBlocked(request, failures)
    const ok = (() => {
      try {
        return tokens.isService(bearer(request))
      } catch {
        return false
      }
    })()
    if (ok) return
    await failures.record(request)
    throw new ApiError(401, 'UNAUTHORIZED', 'admin endpoints need the service credential')
  }
}

async function refuseIfBlocked(request: FastifyRequest, failures: AuthFailures): Promise<void> {
  if (await failures.blocked(request)) throw new ApiError(429, 'RATE_LIMITED', 'too many failed authentications from this address; retry in a minute')
}
