import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, sendError } from './errors.js'
import { pathOf } from './logging.js'

/**
 * The methods of every path, so that a request with a method its path does not have is
 * answered 405 with Allow (RFC 9110), and only a path nobody serves is 404. Fastify's
 * router only knows method and path together, so the routes are collected as they are added.
 */
export function methodsByPath(app: FastifyInstance): (path: string) => string[] {
  const routes: Array<{ pattern: RegExp; methods: string[] }> = []
  app.addHook('onRoute', (route) => {
    // A catch-all (the CORS plugin's OPTIONS *) answers any path: it says nothing about which paths exist.
    if ((route.url ?? route.path) === '*') return
    routes.push({ pattern: patternOf(route.url ?? route.path), methods: [route.method].flat() })
  })
  return (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))].sort()
}

/** A route's URL as a regular expression: `:param` is one path segment, `*` the rest of the path. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')))
    .join('/')
  return new RegExp(`^${source}$`)
}

/** 405 with Allow when the path exists under other methods, else 404. */
export function notFound(methodsOf: (path: string) => string[]) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url)
    const allowed = methodsOf(path)
    if (allowed.length === 0) return sendError(reply, new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${path}`))
    reply.header('allow', allowed.join(', '))
    return sendError(reply, new ApiError(405, 'METHOD_NOT_ALLOWED', `${path} does not support ${request.method}; it supports ${allowed.join(', ')}`))
  }
}
