import { randomBytes } from 'node:crypto'
import { Tokens, UserDirectory } from '../../api/auth/index.js'
import type { ApiDeps } from '../../api/deps.js'
import { CommandTurns } from '../../api/index.js'
import { type RunningApi, startApi } from '../../api/server.js'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { UserLog } from '../../core/users/index.js'
import { LiveHooks } from '../../integrations/hooks/index.js'
import { ConversationViews } from '../../projections/conversations/index.js'
import { onCommitAsked } from '../../projections/runtime/index.js'
import type { LogLevel } from '../../schemas/index.js'
import { caughtUp, type LogAndConnection, type RunningProjection, startProjection } from './projection.js'

export interface ApiStack {
  api: RunningApi
  url: string
  serviceToken: string
  tokens: Tokens
  runner: RunningProjection
  views: ConversationViews
  /** A user token, minted with the stack's secret. */
  token(user: string, ttlSeconds?: number): Promise<string>
  /** Waits until the views reflect everything in the log. */
  settle(): Promise<void>
  /** Another API process on the same log, views and hooks bucket (for cross-process delivery and configuration). */
  another(): Promise<RunningApi>
  stop(): Promise<void>
}

/** The whole stack on a real nats-server: projection, views, and the API on a free port. */
export async function startApiStack(
  { nc, log }: LogAndConnection,
  bucket = 'api_views',
  limits = { bodyLimitBytes: 64 * 1024, rateLimitPerMinute: 100_000 },
  more: Partial<ApiDeps> = {},
  /** How long the projection gathers events before a commit (sessions that wait for the views ask for one sooner). */
  viewsCommitMs = 20,
): Promise<ApiStack> {
  const serviceToken = randomBytes(24).toString('base64url')
  const tokens = new Tokens({ serviceToken, jwtSecret: randomBytes(32).toString('base64url') })
  const runner = await startProjection({ nc, log }, bucket, viewsCommitMs)
  // As seqline up does: a session waiting for the views asks the projector to commit.
  const asked = onCommitAsked(nc, bucket, () => runner.projector.commitSoon())
  const views = await ConversationViews.open(nc, bucket, bucket)
  const users = await UserDirectory.open(nc, `${bucket}_users`)
  const userLog = await UserLog.open(nc, { names: { stream: `${bucket}_USERS`.toUpperCase(), subjectPrefix: `${bucket}.users` } })
  // Quiet unless asked (SEQLINE_LOG_LEVEL=warn shows every 5xx a test provokes).
  const logging = { level: (process.env.SEQLINE_LOG_LEVEL ?? 'silent') as LogLevel }
  // SEQLINE_TEST_LIVE_DELIVERY=interest runs the WebSocket suites over live delivery by interest.
  const liveDelivery = process.env.SEQLINE_TEST_LIVE_DELIVERY === 'interest' ? 'interest' : 'log'
  const common = {
    log,
    nc,
    views,
    tokens,
    users,
    limits,
    projectionLag: () => runner.projector.lag(),
    logging,
  }
  // Each API process follows the hooks bucket itself, as separate Seqline processes do.
  const opened: LiveHooks[] = []
  const deps = async (): Promise<ApiDeps> => {
    const hooks = await LiveHooks.open(nc, { bucket: `${bucket}_hooks` })
    opened.push(hooks)
    const blocks = (blocker: string, user: string) => userLog.blocks(blocker, user)
    // A test's own handler comes without turns: /metrics then has none, rather than those of a handler nobody uses.
    if (more.handler) return { ...common, hooks, userLog, ...more, handler: more.handler, ws: { liveDelivery, ...more.ws } }
    const turns = new CommandTurns()
    const handler = new CommandHandler(log, createDecider(), { hooks, blocks, onTurn: turns.observe })
    return { ...common, hooks, userLog, handler, turns, ...more, ws: { liveDelivery, ...more.ws } }
  }
  const api = await startApi(await deps(), '127.0.0.1', 0)
  const extra: RunningApi[] = []
  return {
    api,
    url: api.url,
    serviceToken,
    tokens,
    runner,
    views,
    token: async (user, ttlSeconds = 3600) => (await tokens.mint(user, ttlSeconds)).token,
    settle: () => caughtUp(runner),
    another: async () => {
      const more = await startApi(await deps(), '127.0.0.1', 0)
      extra.push(more)
      return more
    },
    stop: async () => {
      for (const a of [...extra, api]) await a.close()
      for (const hooks of opened) hooks.close()
      asked.unsubscribe()
      await runner.stop()
      runner.close()
    },
  }
}

/** fetch with a bearer token and a JSON body; returns status and parsed body. */
export async function call(url: string, method: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // NDJSON and plain bodies stay text.
  }
  return { status: res.status, body: parsed }
}
