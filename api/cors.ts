import fastifyCors from '@fastify/cors'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/** What a listed origin's page may send; the API's own methods and the two headers its clients set. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH']
const ALLOWED_HEADERS = ['authorization', 'content-type']
/** Headers a page needs to back off when rate-limited; the browser hides all others but a safe few. */
const EXPOSED_HEADERS = ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']
/** How long a browser may reuse a preflight answer (seconds): fewer OPTIONS round trips, and a list change still reaches browsers within minutes. */
const MAX_AGE_SECONDS = 600

export interface CorsOptions {
  origins?: readonly string[]
}

/**
 * Lets pages served from the listed origins call the REST API. An origin not listed
 * gets no CORS header at all, so its browser blocks the response; with no list nothing
 * is registered and there is no cross-origin access. Requests without an Origin header
 * (native apps, servers) are not affected either way.
 *
 * Credentials stay off: the API authenticates with bearer tokens a page sends itself, not
 * with cookies, so there is nothing ambient for a browser to attach, and
 * Access-Control-Allow-Credentials would only widen what a listed page could do.
 */
export const cors = fp<CorsOptions>(
  async (app, { origins }) => {
    if (!origins || origins.length === 0) return
    const allowed = new Set(origins)
    await app.register(fastifyCors, {
      // A function (not the list itself) so that an unlisted origin's preflight gets no
      // CORS headers at all rather than the allowed methods without an allowed origin.
      origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
      methods: METHODS,
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      credentials: false,
      maxAge: MAX_AGE_SECONDS,
    })
  },
  { name: 'seqline-cors' },
)

/**
 * Whether a WebSocket upgrade may proceed: browsers always send Origin on an upgrade, so
 * a missing one is a native app or a server, and a page from the API's own host (the
 * same-origin setup behind one reverse proxy) needs no listing. The scheme is not
 * compared because a TLS-terminating proxy makes the request look like plain HTTP here.
 */
export function originAllowed(request: FastifyRequest, origins: readonly string[] | undefined): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  if (origins?.includes(origin)) return true
  return hostOf(origin) === request.host.toLowerCase()
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined // "null" (sandboxed frames, file://) and anything else unparseable
  }
}

/**
 * The configured list as browsers spell an Origin header: lower case, no default port,
 * no trailing slash, so a listed origin matches exactly.
 */
export function parseOrigins(value: string | undefined): string[] | undefined {
  if (!value) return undefined
  return value.split(',').map((o) => new URL(o.trim()).origin)
}
