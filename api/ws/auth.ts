import type { FastifyRequest } from 'fastify'
import { decodeJwt } from 'jose'
import type { Tokens } from '../auth/index.js'
import { bearer } from '../auth/index.js'
import { ApiError, toApiError } from '../errors.js'

export type Auth = { ok: true; user: string; expiresAt?: number } | { ok: false; error: ApiError }

/**
 * Authenticates the request that opens a socket: the token comes in the
 * Authorization header or, for browsers (which cannot set headers on a
 * WebSocket), as ?token=. Never throws: a refusal is returned, so the socket
 * can be accepted and closed with 4401 and a reason a browser can read.
 */
export async function authenticate(tokens: Tokens, request: FastifyRequest, queryToken: unknown): Promise<Auth> {
  try {
    const token = tokenOf(request, queryToken)
    const user = await tokens.user(token)
    return { ok: true, user, expiresAt: expiryOf(token) }
  } catch (err) {
    return { ok: false, error: toApiError(err) }
  }
}

function tokenOf(request: FastifyRequest, queryToken: unknown): string {
  if (request.headers.authorization) return bearer(request)
  if (typeof queryToken === 'string' && queryToken.length > 0) return queryToken
  throw new ApiError(401, 'UNAUTHORIZED', 'missing token: pass ?token=<jwt> or Authorization: Bearer <jwt>')
}

/** When the (already verified) token expires, so the socket does not outlive it. */
function expiryOf(token: string): number | undefined {
  const exp = decodeJwt(token).exp
  return typeof exp === 'number' ? exp * 1000 : undefined
}
