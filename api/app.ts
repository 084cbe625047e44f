import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify'
import { compileTextValidator } from '../schemas/text-values.js'
import { createAjv } from '../schemas/validator.js'
import { AuthFailures } from './auth/failures.js'
import { requireService, requireUser } from './auth/guards.js'
import { cors } from './cors.js'
import type { ApiDeps } from './deps.js'
import { clientErrorHandler, errorHandler, sendError, toApiError } from './errors.js'
import { loggerOptions, logServerAnswers } from './logging.js'
import { methodsByPath, notFound } from './methods.js'
import { adminRoutes } from './routes/admin.js'
import { commandRoutes } from './routes/commands.js'
import { docs } from './routes/docs.js'
import { healthRoutes } from './routes/health.js'
import { adminHistoryRoutes, userHistoryRoutes } from './routes/history.js'
import { readRoutes } from './routes/reads.js'
import { gateway } from './ws/gateway.js'

// Bodies are checked as they are: a wrong type is an error, not something to coerce,
// and an unknown field is an error, not something to strip. Query strings and path
// parameters arrive as text, so only they are converted, by the strict rule of
// schemas/text-values.ts rather than ajv's coercion (which lets "1e400" through as Infinity).
const bodies = createAjv({ useDefaults: true })
const texts = createAjv({ useDefaults: true })

/** Certificate and key (PEM) that make the API serve HTTPS and WSS. */
export interface HttpsOptions {
  cert: string | Buffer
  key: string | Buffer
}

/** The REST API and WebSocket gateway, ready to listen. */
export async function buildApp(deps: ApiDeps, https?: HttpsOptions): Promise<FastifyInstance> {
  // Direct conversation ids run to 131 characters; the router's default limit is 100.
  // Proxy headers are not trusted: a client could otherwise choose the IP it is rate-limited as.
  // Errors raised below the routes (a URL the router cannot decode or a path segment too long for
  // it, bytes the HTTP parser refuses) get the one error shape too, not the framework's own.
  const options = {
    bodyLimit: deps.limits.bodyLimitBytes,
    logger: loggerOptions(deps.logging),
    // One line per request would cost more than the request at load; failures are logged (api/logging.ts).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy && deps.trustProxy.length > 0 ? deps.trustProxy : false,
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: (err: Error, _request: unknown, reply: FastifyReply) => sendError(reply, toApiError(err)),
    clientErrorHandler,
  }
  const app = (https ? Fastify({ ...options, https }) : Fastify(options)) as unknown as FastifyInstance
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies.compile(schema) : compileTextValidator(texts, schema)))
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFound(methodsByPath(app)))
  logServerAnswers(app)
  await cors(app, deps.corsOrigins)
  await docs(app, deps)
  await healthRoutes(app, deps)
  const failures = new AuthFailures(deps.limits.rateLimitPerMinute)
  await app.register(async (users) => {
    users.addHook('onRequest', requireUser(deps.tokens, failures))
    commandRoutes(users, deps)
    readRoutes(users, deps)
    userHistoryRoutes(users, deps)
  })
  await app.register(async (admin) => {
    admin.addHook('onRequest', requireService(deps.tokens, failures))
    adminRoutes(admin, deps)
    adminHistoryRoutes(admin, deps)
  })
  await gateway(app, deps)
  return app
}
