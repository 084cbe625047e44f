import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Type from 'typebox'
import { OnlinePublisher } from '../../integrations/presence/index.js'
import { CLOSE } from '../../schemas/index.js'
import { originAllowed } from '../cors.js'
import type { ApiDeps } from '../deps.js'
import { ApiError, sendError } from '../errors.js'
import { type Auth, authenticate } from './auth.js'
import { Hub } from './hub.js'
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from './options.js'
import { Session } from './session.js'
import { Signals } from './signals.js'
import { TurnWrites } from './turn-writes.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The WebSocket gateway of this process: sizes of its routing state. */
    wsGateway: { stats(): { connections: number; users: number; conversations: number } }
  }
}

/** The token of a browser socket, which cannot set headers on an upgrade; anything else in the query is left alone. */
const UpgradeQuery = Type.Object({ token: Type.Optional(Type.Unknown()) })

/**
 * The WebSocket gateway at /v1/ws: authenticated sockets that send commands,
 * sync what they missed, and receive their conversations' events live. The
 * protocol's frames are in schemas/ws.ts. The route lives in a scope of its own;
 * `app.wsGateway` and the WebSocket plugin's server (`app.websocketServer`, whose
 * clients an operator or a test may terminate) are visible to the whole app.
 */
export const gateway = fp<{ deps: ApiDeps }>(
  async (app, { deps }) => {
    const options = { ...DEFAULT_GATEWAY_OPTIONS, ...deps.ws }
    const hub = new Hub(deps.log, new Signals(deps.nc), app.log, (ageMs) => observeLag(app, ageMs), options)
    await hub.start()
    app.decorate('wsGateway', { stats: () => hub.stats() })
    // Who has a socket here, for every process on the NATS system to see (offline push asks).
    const online = await OnlinePublisher.open(deps.nc, { heartbeatMs: options.presenceHeartbeatMs })
    const sessions = new Set<Session>()
    await app.register(websocket, {
      // Uncompressed: frames are written to the socket whole (TurnWrites), never through ws's sender.
      options: { maxPayload: options.maxFrameBytes, perMessageDeflate: false },
      preClose(done) {
        for (const s of sessions) s.close(CLOSE.GOING_AWAY, 'server shutting down')
        done()
      },
    })
    await app.register(async (scope) => sockets(scope, deps, hub, online, options, sessions))
  },
  // Metrics: the connections gauge, the delivery lag and the command latency. Rate limits: the upgrade request is limited per address like any other.
  { name: 'seqline-gateway', dependencies: ['seqline-metrics', 'seqline-rate-limit'] },
)

/** A decision stamped ahead of this process's clock (another machine's) counts as no lag; prom-client throws on a non-finite value. */
function observeLag(app: FastifyInstance, ageMs: number): void {
  if (Number.isFinite(ageMs)) app.metrics.deliveryLag.observe(Math.max(0, ageMs) / 1000)
}

async function sockets(app: FastifyInstance, deps: ApiDeps, hub: Hub, online: OnlinePublisher, options: GatewayOptions, sessions: Set<Session>): Promise<void> {
  const reportConnections = () => app.metrics.connections.set(sessions.size)
  const context = {
    deps,
    hub,
    options,
    turnWrites: new TurnWrites(),
    closed(session: Session) {
      sessions.delete(session)
      online.disconnected(session.user)
      reportConnections()
    },
    commandAnswered(answer: 'ack' | 'error', seconds: number) {
      app.metrics.wsCommands.observe({ answer }, seconds)
    },
  }
  const auths = new WeakMap<FastifyRequest, Auth>()

  app.withTypeProvider<TypeBoxTypeProvider>().route({
    method: 'GET',
    url: '/v1/ws',
    schema: { hide: true, querystring: UpgradeQuery },
    onRequest: async (request) => {
      // Refused with a plain 403 before the upgrade, so no socket ever opens for a page
      // from elsewhere; its browser sees the connection fail (close 1006), its developer
      // sees this status and message in the network panel.
      if (!originAllowed(request, deps.corsOrigins)) {
        throw new ApiError(403, 'ORIGIN_NOT_ALLOWED', `origin ${request.headers.origin} may not open a WebSocket: list it in SEQLINE_CORS_ORIGINS`)
      }
      const auth = await authenticate(deps.tokens, request, request.query.token)
      if (!auth.ok && !request.ws) throw auth.error
      auths.set(request, auth)
    },
    handler: (_request, reply) => sendError(reply, new ApiError(426, 'UPGRADE_REQUIRED', 'GET /v1/ws opens a WebSocket; send Upgrade: websocket')),
    wsHandler: (socket, request) => {
      const auth = auths.get(request)
      if (!auth?.ok) return socket.close(CLOSE.UNAUTHORIZED, truncate(auth?.error.message ?? 'unauthorized'))
      sessions.add(new Session(socket, auth.user, auth.expiresAt, context))
      online.connected(auth.user)
      reportConnections()
    },
  })

  const heartbeat = setInterval(() => {
    for (const s of sessions) s.heartbeat()
  }, options.heartbeatMs)
  heartbeat.unref()
  app.addHook('onClose', async () => {
    clearInterval(heartbeat)
    for (const s of sessions) s.terminate()
    await online.close()
    await hub.stop()
  })
}

/** A close reason is at most 123 bytes. */
function truncate(reason: string): string {
  const bytes = Buffer.from(reason)
  return bytes.length <= 123 ? reason : `${bytes.subarray(0, 120).toString('utf8')}...`
}
