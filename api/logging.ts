import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { LogLevel } from '../schemas/index.js'

/** How the API logs: JSON lines (pino) at a level; a stream replaces stdout (tests read it). */
export interface LoggingOptions {
  level: LogLevel
  stream?: { write(line: string): void }
}

const DEFAULT_LOGGING: LoggingOptions = { level: 'info' }

/**
 * Fastify's logger options. Tokens travel in the Authorization header and, for browser
 * sockets, in ?token=: headers are redacted and a request is logged by its path only,
 * never its query string.
 */
export function loggerOptions(logging: LoggingOptions = DEFAULT_LOGGING) {
  return {
    level: logging.level,
    ...(logging.stream ? { stream: logging.stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' },
    serializers: { req: (request: FastifyRequest) => ({ method: request.method, path: pathOf(request.url) }) },
  }
}

export const pathOf = (url: string) => url.split('?')[0]!

const logged = new WeakSet<FastifyRequest>()

/** Logs a request that failed with a server error, with the error and its stack; the request id is bound by the logger. */
export function logServerError(request: FastifyRequest, err: unknown, code: string): void {
  logged.add(request)
  request.log.error({ err, code, method: request.method, path: pathOf(request.url) }, 'request failed')
}

/**
 * Every 5xx is logged: those raised as errors by the error handler (with the error), any
 * other 5xx answer (a readiness probe saying not ready, a framework failure) here.
 */
export function logServerAnswers(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 500 || logged.has(request)) return
    request.log.warn({ statusCode: reply.statusCode, method: request.method, path: pathOf(request.url) }, 'request answered with a server error')
  })
}
