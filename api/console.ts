import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { pathOf } from './logging.js'

/** Where `npm run build` writes the web console (console/ built by Vite): dist/console beside dist/api. */
export const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url))

/**
 * What the console's pages may load: only this origin's own files, no inline script or style, and
 * calls (fetch and the WebSocket) to this origin only. The console is built so that this holds.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Paths of the API itself: never answered with the console's page. */
const API_PATHS = /^\/(v1|docs|openapi\.json|metrics|healthz|readyz)(\/|$)/

const NOT_BUILT = 'The web console is not built here: run `npm run build` (it writes dist/console), then restart Seqline. The API is at /v1, its docs at /docs.'

const consoleHeaders = (reply: FastifyReply) => reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff')

/**
 * Serves the built web console at `/`: its files as they are (hashed assets cached for good, the
 * page always revalidated). Without a build, `/` says how to make one instead of failing.
 */
export const webConsole = fp<{ dir: string }>(
  async (app, { dir }) => {
    if (!existsSync(join(dir, 'index.html'))) {
      app.get('/', { schema: { hide: true } }, async (_request, reply) => consoleHeaders(reply).code(503).type('text/plain; charset=utf-8').send(NOT_BUILT))
      return
    }
    await app.register(fastifyStatic, {
      root: dir,
      // One route per built file, not a catch-all: every other path keeps its 404 or 405.
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      setHeaders: (reply: FastifyReply, path: string) => {
        consoleHeaders(reply)
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
  },
  { name: 'seqline-console' },
)

/**
 * The console's page for an address of its own (#-less deep links such as /chat), where the router
 * finds no file: a GET from a browser for a path outside the API. Anything else falls through to the
 * API's 404/405. Returns whether it answered.
 */
export function consoleFallback(dir: string): (request: FastifyRequest, reply: FastifyReply) => boolean {
  let page: string | null | undefined
  return (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false
    if (API_PATHS.test(pathOf(request.url)) || !request.headers.accept?.includes('text/html')) return false
    page ??= existsSync(join(dir, 'index.html')) ? readFileSync(join(dir, 'index.html'), 'utf8') : null
    if (page === null) return false
    void consoleHeaders(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page)
    return true
  }
}
