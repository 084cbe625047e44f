import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { NatsConnection } from '@nats-io/transport-node'
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import type { CommandHandler, ForwardStats } from '../core/commands/index.js'
import type { EventLog } from '../core/log/index.js'
import type { UserLog } from '../core/users/index.js'
import type { DelivererView } from '../integrations/delivery/index.js'
import type { LiveHooks } from '../integrations/hooks/index.js'
import type { Pusher } from '../integrations/push/index.js'
import type { Webhooks } from '../integrations/webhooks/index.js'
import type { ConversationViews } from '../projections/conversations/index.js'
import type { AnalystLimits, HistoryDb } from '../projections/history/index.js'
import type { AuditLog, RetentionSettings } from '../projections/retention/index.js'
import type { Lag } from '../projections/runtime/index.js'
import type { Tokens, UserDirectory } from './auth/index.js'
import type { CommandTurns } from './command-turns.js'
import type { LoggingOptions } from './logging.js'
import type { GatewayOptions } from './ws/index.js'

/** What the API needs from the rest of Seqline; one process may serve it beside the projections or alone. */
export interface ApiDeps {
  log: EventLog
  /** The process's NATS connection beside the log: readiness pings it; typing and presence (core NATS, never logged) travel on it. */
  nc: NatsConnection
  handler: CommandHandler
  views: ConversationViews
  tokens: Tokens
  users: UserDirectory
  limits: { bodyLimitBytes: number; rateLimitPerMinute: number }
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For names the client; none by default, so a client cannot choose its address. */
  trustProxy?: string[]
  /** Origins (scheme://host[:port]) whose pages may call the API and open its WebSocket; none by default. */
  corsOrigins?: string[]
  /** Lag of the projection behind the views (read from its commits, so true whichever process projects): a metric, and readiness where the projection runs. */
  projectionLag?: () => Promise<Lag>
  /** False in a process of role api: the projection runs elsewhere, so its lag is reported but does not make this process unready. */
  projectionRunsHere?: boolean
  /** Lag of the history sink behind the log, read from the history tables (so true whichever process runs the sink). */
  historyLag?: () => Promise<Lag>
  /** The ClickHouse history behind search and analytics; absent, those endpoints answer 503. */
  history?: { db: HistoryDb; sqlLimits: AnalystLimits }
  /** The retention defaults and the audit log, opened with the deployment's replicas; absent, they are opened on first use. */
  retention?: { audit: AuditLog; settings: RetentionSettings }
  /** Webhook administration (any process; the delivering is leased); absent, the webhook endpoints answer 503. */
  webhooks?: Webhooks
  /** The webhook, bot and push deliverers this process runs, for their metrics. */
  deliverers?: () => DelivererView[]
  /** What became of the commands this process forwarded to their partition's writer, for the metrics; absent, nothing is forwarded. */
  forwarded?: () => ForwardStats
  /** Log level and destination; info on stdout by default. */
  logging?: LoggingOptions
  /** The handler's waits for each conversation's turn, for the metrics; absent, /metrics has none. */
  turns?: CommandTurns
  /** The before-hooks the handler asks: /v1/admin/hooks configures them, /metrics shows their calls. Absent, those routes are not served. */
  hooks?: LiveHooks
  /** Offline push: its target behind /v1/admin/push, its figures in the metrics; absent, those routes do not exist. */
  push?: Pusher
  /** Users' own logs (core/users): /v1/users/me/blocks keeps the caller's block list there; absent, those routes do not exist. */
  userLog?: UserLog
  /** Where the built web console is served from at `/`; dist/console by default. */
  consoleDir?: string
  /** Gateway tuning (heartbeat, limits); defaults in api/ws/options.ts. */
  ws?: Partial<GatewayOptions>
}

/** A Fastify scope whose handlers are typed by their TypeBox schemas: params, query and body as validated. */
export type TypedApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>
