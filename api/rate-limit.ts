import rateLimit, { type CreateRateLimitOptions } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed authentications per client address; the auth guards consult and feed it. */
    authFailures: AuthFailures
  }
}

/** Failed authentications of one address within the minute: whether it is paused, and counting one more. */
export interface AuthFailures {
  /** True when the address has used up its failures for this minute. */
  blocked(request: FastifyRequest): Promise<boolean>
  record(request: FastifyRequest): Promise<void>
}

export interface RateLimitOptions {
  perMinute: number
}

const MINUTE_MS = 60_000
/** Addresses remembered by the failure counter; the least recently seen is forgotten first. */
const FAILURE_ADDRESSES = 100_000

/**
 * Every request limit of the API, from one limiter (@fastify/rate-limit):
 *
 * - Every route registered after this plugin is limited (the plugin hooks each route as it
 *   is added), per user on user routes and per client IP elsewhere. The limit is a
 *   route-level onRequest hook, and Fastify runs route-level hooks after the instance's own:
 *   by then the user routes' auth hook has verified the token and set request.user. Keying
 *   on that verified subject, rather than on one decoded from an unverified token, keeps
 *   anyone from exhausting another user's allowance with forged tokens naming them.
 * - A request whose token fails verification is refused (401) before that limit counts it,
 *   so failed authentications are counted per address on their own (`app.authFailures`):
 *   without this anyone could guess at credentials as fast as they liked.
 *
 * A route opts out with `config: { rateLimit: false }`.
 */
export const rateLimits = fp<RateLimitOptions>(
  async (app, { perMinute }) => {
    await app.register(rateLimit, {
      global: true,
      max: perMinute,
      timeWindow: MINUTE_MS,
      keyGenerator: keyOf,
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'RATE_LIMITED', `more than ${context.max} requests per minute; retry in ${context.after}`, {
          limit: context.max,
          retryAfterMs: context.ttl,
        }),
    })
    app.decorate('authFailures', authFailures(app, perMinute))
  },
  { name: 'seqline-rate-limit' },
)

function keyOf(request: FastifyRequest): string {
  return request.user ? `user:${request.user}` : `ip:${request.ip}`
}

function authFailures(app: FastifyInstance, perMinute: number): AuthFailures {
  // `cache` sizes the limiter's own LRU; the plugin reads it at run time though its type leaves it out.
  const options: CreateRateLimitOptions & { cache: number } = {
    max: perMinute,
    timeWindow: MINUTE_MS,
    keyGenerator: (request) => `auth-failures:${request.ip}`,
    cache: FAILURE_ADDRESSES,
  }
  const limiter = app.createRateLimit(options)
  return {
    async blocked(request) {
      const state = await limiter(request, { increment: false })
      return !state.isAllowed && state.remaining === 0
    },
    async record(request) {
      await limiter(request)
    },
  }
}
