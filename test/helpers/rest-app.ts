import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import { createServer, restApi } from '../../api/app.js'
import { Tokens } from '../../api/auth/index.js'
import type { ApiDeps } from '../../api/deps.js'
import type { LiveHooks } from '../../integrations/hooks/index.js'

/**
 * The REST API with no server behind it, answered with inject(): for what the API decides
 * before any route reaches the log, the views or the user directory (validation, error
 * shapes, methods, limits, CORS, the document). Those parts are stand-ins that fail the
 * request (500) if touched, so a test that needs them fails instead of passing on a fake.
 */
export interface RestApp {
  app: FastifyInstance
  serviceToken: string
  tokens: Tokens
  token(user: string, ttlSeconds?: number): Promise<string>
  close(): Promise<void>
}

export async function restApp(more: Partial<ApiDeps> = {}): Promise<RestApp> {
  const serviceToken = randomBytes(24).toString('base64url')
  const tokens = new Tokens({ serviceToken, jwtSecret: randomBytes(32).toString('base64url') })
  const deps = serverlessDeps({ tokens, ...more })
  const app = createServer(deps)
  await app.register(restApi, { deps })
  await app.ready()
  return {
    app,
    serviceToken,
    tokens,
    token: async (user, ttlSeconds = 3600) => (await tokens.mint(user, ttlSeconds)).token,
    close: () => app.close(),
  }
}

/** What the API needs, with stand-ins for the parts behind servers (log, handler, views, users, hooks) that fail when touched. */
export function serverlessDeps(more: Partial<ApiDeps> = {}): ApiDeps {
  return {
    log: untouchable('log'),
    nc: untouchable('nc'),
    handler: untouchable('handler'),
    views: untouchable('views'),
    users: untouchable('users'),
    // Served, so the document has the hook routes; their store fails when touched, like the rest.
    hooks: { metrics: { registry: new Registry() }, store: untouchable('hooks.store') } as unknown as LiveHooks,
    tokens: new Tokens({ serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }),
    limits: { bodyLimitBytes: 64 * 1024, rateLimitPerMinute: 100_000 },
    logging: { level: 'silent' },
    ...more,
  }
}

/** A part no request of these tests may reach: any use throws, naming it. */
function untouchable<T>(name: string): T {
  return new Proxy(
    {},
    {
      get(_target, property) {
        throw new Error(`${name}.${String(property)} was used, but this test runs without servers`)
      },
    },
  ) as T
}

/** inject() with an optional bearer token, a JSON body given as text, more headers, and the client's address (127.0.0.1 by default). */
export function send(
  app: FastifyInstance,
  method: string,
  url: string,
  token: string | null,
  body?: string,
  headers: Record<string, string> = {},
  remoteAddress?: string,
) {
  return app.inject({
    method: method as 'GET',
    url,
    ...(remoteAddress ? { remoteAddress } : {}),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    payload: body,
  })
}
