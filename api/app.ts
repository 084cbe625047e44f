import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify'
import fp from 'fastify-plugin'
import { compileTextValidator, createAjv } from '../schemas/index.js'
import { requireService, requireUser } from './auth/index.js'
import { CONSOLE_DIR, consoleFallback, webConsole } from './console.js'
import { cors } from './cors.js'
import type { ApiDeps } from './deps.js'
import { clientErrorHandler, errorHandler, sendError, toApiError } from './errors.js'
import { loggerOptions, logServerAnswers } from './logging.js'
import { methodsByPath, notFound } from './methods.js'
import { countCommands, metrics } from './metrics.js'
import { docs } from './openapi/index.js'
import { rateLimits } from './rate-limit.js'
import {
  adminHistoryRoutes,
  adminRoutes,
  blockRoutes,
  channelRoutes,
  commandRoutes,
  healthRoutes,
  hookRoutes,
  pinRoutes,
  pushRoutes,
  reactionRoutes,
  readRoutes,
  retentionRoutes,
  threadRoutes,
  userHistoryRoutes,
  webhookRoutes,
} from './routes/index.js'
import { gateway } from './ws/index.js'

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
  const app = createServer(deps, https)
  await app.register(restApi, { deps })
  // The gateway executes through the same counted handler as the REST routes.
  await app.register(gateway, { deps: { ...deps, handler: countCommands(deps.handler, app.metrics) } })
  await app.register(webConsole, { dir: deps.consoleDir ?? CONSOLE_DIR })
  return app
}

/**
 * The Fastify instance every part of the API is registered on: limits, logger, validators,
 * and one error shape for everything, also for errors raised before any route runs.
 */
export function createServer(deps: ApiDeps, https?: HttpsOptions): FastifyInstance {
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
  const answered = notFound(methodsByPath(app))
  const page = consoleFallback(deps.consoleDir ?? CONSOLE_DIR)
  app.setNotFoundHandler((request, reply) => page(request, reply) || answered(request, reply))
  logServerAnswers(app)
  return app
}

interface DepsOption {
  deps: ApiDeps
}

/**
 * Every HTTP route with what they need, in the order that needs: plugins that hook routes as
 * they are added (CORS, rate limits, metrics, docs) before the routes. No socket of its own,
 * so tests answer it with inject().
 */
export const restApi = fp<DepsOption>(
  async (app, { deps }) => {
    await app.register(cors, { origins: deps.corsOrigins })
    await app.register(rateLimits, { perMinute: deps.limits.rateLimitPerMinute })
    await app.register(metrics, {
      lag: deps.projectionLag,
      historyLag: deps.historyLag,
      push: deps.push,
      deliverers: deps.deliverers,
      forwarded: deps.forwarded,
      beside: [deps.hooks?.metrics.registry, deps.turns?.registry].filter((r) => r !== undefined),
    })
    await app.register(docs)
    const served = { ...deps, handler: countCommands(deps.handler, app.metrics) }
    await app.register(healthRoutes, { deps: served })
    await app.register(userApi, { deps: served })
    await app.register(adminApi, { deps: served })
  },
  { name: 'seqline-rest-api' },
)

/** Routes for a user token: commands, reads, search; each request limited per user. */
const userApi = fp<DepsOption>(
  async (scope, { deps }) => {
    const users = scope.withTypeProvider<TypeBoxTypeProvider>()
    users.addHook('onRequest', requireUser(deps.tokens, scope.authFailures))
    commandRoutes(users, deps)
    readRoutes(users, deps)
    channelRoutes(users, deps)
    userHistoryRoutes(users, deps)
    reactionRoutes(users, deps)
    pinRoutes(users, deps)
    threadRoutes(users, deps)
    if (deps.userLog) blockRoutes(users, deps.userLog)
  },
  { name: 'seqline-user-api', dependencies: ['seqline-rate-limit', 'seqline-docs'], encapsulate: true },
)

/** Routes for the service credential: users, tokens, system messages, audit export, analytics, before-hooks. */
const adminApi = fp<DepsOption>(
  async (scope, { deps }) => {
    const admin = scope.withTypeProvider<TypeBoxTypeProvider>()
    admin.addHook('onRequest', requireService(deps.tokens, scope.authFailures))
    adminRoutes(admin, deps)
    adminHistoryRoutes(admin, deps)
    if (deps.hooks) hookRoutes(admin, deps.hooks)
    retentionRoutes(admin, deps)
    pushRoutes(admin, deps)
    webhookRoutes(admin, deps)
  },
  { name: 'seqline-admin-api', dependencies: ['seqline-rate-limit', 'seqline-docs'], encapsulate: true },
)
