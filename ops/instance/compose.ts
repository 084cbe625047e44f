// A running Seqline composed from its configuration, in one process, as its
// role says (SEQLINE_ROLE, seqline up --role): a local nats-server (unless
// SEQLINE_NATS_URL names one), the event log laid out, and then the API (REST +
// WebSocket), the projector (its share of the conversations projection's
// partitions, the burn-erase reactor, the burn executor, the retention sweep,
// the user-erasure worker, webhooks, bots, push) and the history sink, or
// all of them. `seqline up` (ops/cli/up.ts) runs one until a signal.
import { readFileSync } from 'node:fs'
import type { NatsConnection } from '@nats-io/transport-node'
import { Tokens, USERS_BUCKET, UserDirectory } from '../../api/auth/index.js'
import { CommandTurns, parseOrigins, processMetrics, startApi } from '../../api/index.js'
import { CommandHandler, type ForwardStats, PartitionWriter, WriteForwarder } from '../../core/commands/index.js'
import { createDecider, DEFAULT_POLICY } from '../../core/domain/index.js'
import type { EventLog } from '../../core/log/index.js'
import { UserLog } from '../../core/users/index.js'
import { Bots } from '../../integrations/bots/index.js'
import { DelivererSet, ParkedStore } from '../../integrations/delivery/index.js'
import { LiveHooks } from '../../integrations/hooks/index.js'
import { Pusher, PushTargets } from '../../integrations/push/index.js'
import { Webhooks } from '../../integrations/webhooks/index.js'
import { BurnExecutor, ConversationViews, openBurnEraser, openConversationsShares } from '../../projections/conversations/index.js'
import type { HistoryDb } from '../../projections/history/index.js'
import { HistorySink, HistoryWriter, migrate } from '../../projections/history/index.js'
import { AUDIT_STREAM, AuditLog, RetentionSettings, RetentionSweeper, UserErasure } from '../../projections/retention/index.js'
import { jsonLogger, type Lag, Lease, type Logger, lagBehind, onCommitAsked, PartitionShares, Supervisor } from '../../projections/runtime/index.js'
import type { Config, Role } from '../../schemas/index.js'
import { DENSE_SEQ_WARNING, denseSeqAtRisk } from '../nats-compat.js'
import { connectNats } from '../nats-connection.js'
import { describeHistory, openHistory } from '../open-history.js'
import { openLog } from '../open-log.js'
import { announceRunning, withdrawRunning } from '../running-instance.js'
import { loadSecrets } from '../secrets.js'
import { startProbe } from './probe.js'

/**
 * Events a partition's batch of the views must hold for the next batch to wait
 * SEQLINE_VIEWS_COMMIT_MS: under load many events then share each record
 * written; a light load (a developer trying the API) commits every 100 ms.
 */
const BUSY_BATCH = 16

/** A Seqline with every component of its role started, and the way to stop them in order. */
export interface RunningSeqline {
  /** What runs where, one line per component, for the operator. */
  summary: string
  /** Stops the components in the reverse order of their start. */
  stop(): Promise<void>
}

/** What a role runs: the API (REST and WebSocket), the projector (projection and reactors) and the history sink. */
function partsOf(role: Role) {
  return { api: role === 'all' || role === 'api', projector: role === 'all' || role === 'projector', sink: role === 'all' || role === 'sink' }
}

export async function compose(config: Config): Promise<RunningSeqline> {
  const runs = partsOf(config.role)
  const { nc, url, local, close } = await connectNats(config, config.role === 'all' ? 'seqline' : `seqline-${config.role}`)
  if (local) await announceRunning(config.dataDir, { pid: process.pid, natsUrl: url })
  const log = await openLog(nc, config)
  const logger = jsonLogger(config.logLevel)
  // Stopped in the reverse order of their start.
  const stops: Array<() => Promise<void> | void> = []
  const lines = [
    `  role         ${config.role}${config.role === 'all' ? ' (API, projector and history sink in this process)' : ''}`,
    `  NATS         ${url}${local ? ` (local nats-server, GOMAXPROCS ${local.goMaxProcs}, store in ${local.storeDir})` : ''}`,
    `  log          ${config.partitions} partition streams ${log.streamOfPartition(0)}..${log.streamOfPartition(config.partitions - 1)}, ${config.replicas} replica(s)`,
  ]
  // The projection runs in partition shares: its reach is each partition's commit.
  const views = await ConversationViews.open(nc, undefined, undefined, config.partitions)
  const viewsLag = async () => lagBehind(log, (await views.reach()) ?? {})
  const shared = runs.api || runs.projector ? await openShared(nc, log, views, config, logger, runs.projector) : undefined
  if (shared) stops.push(() => shared.stop())
  if (runs.projector) {
    const projector = await startProjector(nc, log, views, shared!, config, logger)
    stops.push(() => projector.stop())
    lines.push(...projector.lines)
  }
  const historyDb = runs.api || runs.sink ? await openHistory(config) : undefined
  if (historyDb) {
    stops.push(() => historyDb.close())
    // Every process that reads or writes the history migrates (idempotently): an API serves search before any sink ran.
    await migrate(historyDb)
  }
  const historyLag = historyDb ? async () => lagBehind(log, (await new HistoryWriter(historyDb).written()).events) : undefined
  if (runs.sink) {
    const history = await startHistory(nc, log, historyDb!, config, logger)
    stops.push(() => history.stop())
    lines.push(
      `  history      ${describeHistory(historyDb!)} (${history.running ? `sink runs here, inserts every ${config.historyCommitMs} ms` : 'sink run by another process; standing by'})`,
    )
  } else if (historyDb) lines.push(`  history      ${describeHistory(historyDb)} (sink run by a process of role sink)`)
  if (runs.api) {
    const writers = await startWriters(nc, log, shared!.handler, config, logger)
    stops.push(() => writers.stop())
    lines.push(
      `  writes       partitions ${writers.running().join(',') || 'none yet'} written here (fair shares among ${writers.sharing} API process(es)); a conversation other API processes also write is forwarded to its partition's writer`,
    )
    const lags = { projectionLag: viewsLag, projectionRunsHere: runs.projector, historyLag }
    const api = await startApiPart(nc, log, views, shared!, historyDb!, config, lags, () => writers.forwarded)
    stops.push(() => api.close())
    lines.push(...api.lines)
  } else {
    // No API here: the platform's probes still find /healthz and /readyz, ready by this role's own work.
    const lag = runs.projector ? viewsLag : historyLag!
    const metrics = runs.projector
      ? processMetrics({ lag: viewsLag, push: shared!.push, deliverers: () => shared!.deliverers?.views() ?? [] })
      : processMetrics({ historyLag })
    const probe = await startProbe(nc, lag, { registry: metrics, logger }, config.apiHost, config.apiPort)
    stops.push(() => probe.close())
    lines.push(
      `  probes       ${probe.url}/healthz, ${probe.url}/readyz (ready while the ${runs.projector ? 'views are' : 'history is'} under 5 s behind), ${probe.url}/metrics`,
    )
  }
  if (denseSeqAtRisk(nc.info?.version ?? '0', config.replicas)) console.warn(`WARNING: ${DENSE_SEQ_WARNING}`)
  const stop = async () => {
    for (const s of stops.reverse()) await s()
    log.close()
    await close()
    if (local) await withdrawRunning(config.dataDir)
  }
  return { summary: lines.join('\n'), stop }
}

/** What the API and the projector both use: the command handler and what it asks, the webhooks, push and retention stores. */
interface Shared {
  handler: CommandHandler
  /** How long the handler's commands waited for their conversation's turn: the API's /metrics shows it. */
  turns: CommandTurns
  userLog: UserLog
  hooks: LiveHooks
  webhooks: Webhooks
  /** Only where the projector runs: the deliverers of webhooks and bots, each under its own lease. */
  deliverers: DelivererSet | null
  push: Pusher
  retention: { audit: AuditLog; settings: RetentionSettings }
  stop(): Promise<void>
}

async function openShared(nc: NatsConnection, log: EventLog, views: ConversationViews, config: Config, logger: Logger, delivering: boolean): Promise<Shared> {
  const replicas = config.replicas
  const parked = await ParkedStore.open(nc, replicas)
  // Webhooks (and bots) are deliverers each under a lease of its own: every projector process watches their configuration, one delivers each.
  const deliverers = delivering ? new DelivererSet(nc, log, parked, { logger, replicas }) : null
  const webhooks = await Webhooks.open(nc, log, parked, deliverers, { replicas, logger })
  await webhooks.start()
  // Before-hooks are followed from their KV bucket: a change through any process's admin API applies here too.
  const hooks = await LiveHooks.open(nc, { replicas, logger })
  // Bots are known to every process (their events are marked); each bot's deliverer runs in one projector process.
  const bots = await Bots.open(nc, log, deliverers, { usersBucket: USERS_BUCKET, stateOf: (conv) => handler.state(conv), replicas, logger })
  const policy = { ...DEFAULT_POLICY, maxGroupMembers: config.maxGroupMembers, maxChannelMembers: config.maxChannelMembers }
  // Users' own logs: a block is checked against the blocker's log when the blocked user writes to them.
  const userLog = await UserLog.open(nc, { replicas })
  const turns = new CommandTurns()
  const handler = new CommandHandler(log, createDecider(policy), {
    hooks,
    isBot: bots.isBot,
    blocks: (blocker, user) => userLog.blocks(blocker, user),
    onTurn: turns.observe,
  })
  await bots.start()
  const retention = { audit: await AuditLog.open(nc, replicas), settings: await RetentionSettings.open(nc, undefined, replicas) }
  // Opened everywhere (the admin API sets targets); delivering only where the projector runs.
  const push = await Pusher.open(nc, log, views, await PushTargets.open(nc, replicas), { replicas, logger })
  const stop = async () => {
    hooks.close()
    await webhooks.stop()
    await bots.stop()
    await deliverers?.stop()
    // Stopped here, not by the projector, because every role that opens it (the API too, for the admin API) must close it.
    await push.stop()
    parked.close()
  }
  return { handler, turns, userLog, hooks, webhooks, deliverers, push, retention, stop }
}

/**
 * The projector role: this process's share of the conversations projection's
 * partitions (a lease per partition, shared with the other projector
 * processes), the burn-erase reactor and push under leases of their own, the
 * burn executor, the retention sweep and the user-erasure worker.
 */
async function startProjector(nc: NatsConnection, log: EventLog, views: ConversationViews, shared: Shared, config: Config, logger: Logger) {
  const projection = await openConversationsShares(nc, log, { replicas: config.replicas, logger, flushIntervalMs: config.viewsCommitMs, busyBatch: BUSY_BATCH })
  await projection.start()
  const asked = onCommitAsked(
    nc,
    views.projection,
    () => {
      for (const runner of projection.runners()) runner.commitSoon()
    },
    (err) => logger.warn({ err }, 'asks for a commit of the views cannot be received: sessions wait for the commit interval'),
  )
  const eraserLease = await Lease.open(nc, 'reactor.burn-erase', undefined, undefined, config.replicas)
  const eraser = new Supervisor('burn-erase', () => openBurnEraser(nc, log, { replicas: config.replicas }), { lease: eraserLease, logger })
  await eraser.start()
  const burns = new BurnExecutor(views, shared.handler, { logger })
  burns.start()
  const sweeper = new RetentionSweeper(log, views, shared.handler, shared.retention.settings, { intervalMs: config.retentionIntervalSeconds * 1000, logger })
  sweeper.start()
  const erasure = new UserErasure(log, views, shared.handler, shared.retention.audit, { logger })
  await erasure.start(nc)
  // Idle until a push target is set through the admin API; then one process of the deployment pushes.
  await shared.push.start()
  const lag = await lagBehind(log, (await views.reach()) ?? {})
  const deliverers = shared.deliverers!
  const held = projection.running
  const lines = [
    `  projection   conversations → KV bucket ${views.bucket}: ${held.length ? `partitions ${held.join(',')} run here` : 'no partition yet, all held by other processes'} (fair shares among ${projection.sharing} projector process(es)), commits every 100 ms, or every ${config.viewsCommitMs} ms while ${BUSY_BATCH} events or more reach a partition per commit, views ${lag.events} events behind`,
    `  retention    sweep every ${config.retentionIntervalSeconds} s, user erasures taken from the audit stream ${AUDIT_STREAM}`,
    `  webhooks     ${deliverers.names().length} configured, ${deliverers.views().filter((d) => d.running).length} delivered by this process`,
    `  burns        executor running, erase reactor ${eraser.running ? 'run here' : 'run by another process; standing by'}`,
    `  push         ${shared.push.delivering ? 'delivering from here' : 'idle until PUT /v1/admin/push, or delivered by another process'}`,
  ]
  const stop = async () => {
    await erasure.stop()
    await sweeper.stop()
    await burns.stop()
    await eraser.stop()
    asked.unsubscribe()
    await projection.stop()
  }
  return { lines, stop }
}

/** The API role: REST and WebSocket, reading the views and the history, writing commands to the log. */
async function startApiPart(
  nc: NatsConnection,
  log: EventLog,
  views: ConversationViews,
  shared: Shared,
  historyDb: HistoryDb,
  config: Config,
  lags: { projectionLag: () => Promise<Lag>; projectionRunsHere: boolean; historyLag: (() => Promise<Lag>) | undefined },
  forwarded: () => ForwardStats,
) {
  const secrets = await loadSecrets(config)
  const tokens = new Tokens({
    serviceToken: secrets.serviceToken,
    jwtSecret: secrets.jwtSecret,
    jwtPublicKey: config.jwtPublicKey,
    jwtJwksUrl: config.jwtJwksUrl,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
  })
  const users = await UserDirectory.open(nc, undefined, config.replicas)
  const limits = { bodyLimitBytes: config.bodyLimitBytes, rateLimitPerMinute: config.rateLimitPerMinute }
  const https = config.tlsCertFile ? { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile!) } : undefined
  const sqlLimits = { timeoutSeconds: config.sqlTimeoutSeconds, maxRows: config.sqlMaxRows, maxMemoryMb: config.sqlMaxMemoryMb }
  const trustProxy = config.trustProxy?.split(',').map((a) => a.trim())
  const corsOrigins = parseOrigins(config.corsOrigins)
  const deps = {
    log,
    nc,
    handler: shared.handler,
    turns: shared.turns,
    userLog: shared.userLog,
    hooks: shared.hooks,
    views,
    tokens,
    users,
    limits,
    trustProxy,
    corsOrigins,
    // Read from the projection's commits and the history tables, so true whichever process projects and sinks;
    // readiness waits for the projection only where it runs (an API alone stays ready while a projector catches up).
    ...lags,
    history: { db: historyDb, sqlLimits },
    retention: shared.retention,
    push: shared.push,
    logging: { level: config.logLevel },
    webhooks: shared.webhooks,
    deliverers: () => shared.deliverers?.views() ?? [],
    forwarded,
    ws: { liveDelivery: config.liveDelivery },
  }
  const api = await startApi(deps, config.apiHost, config.apiPort, https)
  const lines = [
    `  console      ${api.url}/`,
    `  API          ${api.url}  (WebSocket ${api.url.replace(/^http/, 'ws')}/v1/ws, live delivery ${config.liveDelivery === 'interest' ? "by interest: its sockets' conversations only" : 'from the whole log'})`,
    `  docs         ${api.url}/docs  (OpenAPI at ${api.url}/openapi.json)`,
    `  credentials  ${secrets.file ? `generated in ${secrets.file} (service token for /v1/admin, JWT secret)` : 'from configuration'}${signInLine(config.serviceToken ? undefined : secrets.serviceToken)}`,
  ]
  return { lines, close: () => api.close() }
}

/**
 * Each partition's conversations are written by one API process (a lease per
 * partition, fair shares among the API processes); the others forward their
 * commands to it, so two processes do not race on one conversation's seq.
 */
async function startWriters(nc: NatsConnection, log: EventLog, handler: CommandHandler, config: Config, logger: Logger) {
  const make = async (partition: number) => new PartitionWriter(nc, handler, partition)
  const writers = await PartitionShares.open(nc, 'writers', config.partitions, make, { replicas: config.replicas, logger })
  const forwarder = new WriteForwarder(nc, (command, abandoned) => handler.handleHere(command, abandoned), {
    writesHere: (partition) => writers.runsHere(partition),
    partitionOf: (conv) => log.partitionOf(conv),
    onQuiet: (partition, reason) =>
      logger.warn({ partition, reason }, "a partition's writer left a forwarded command unanswered: its commands are handled here for 30 s"),
  })
  handler.forwardTo(forwarder)
  await writers.start()
  const stop = async () => {
    await writers.stop()
    forwarder.close()
  }
  return { running: () => writers.running, sharing: writers.sharing, forwarded: forwarder.stats, stop }
}

/**
 * With the embedded defaults the service token was generated, so the person who started Seqline sees
 * it here, once, to sign in to the console and call /v1/admin. It is printed to the terminal only, never
 * logged; a configured token is not repeated.
 */
function signInLine(generated: string | undefined): string {
  return generated ? `\n  service token ${generated}  (sign in to the console with it; keep it secret)` : ''
}

/**
 * The history sink: on a ClickHouse server one process in a deployment runs it
 * (the others stand by, as for the projection); embedded chDB belongs to this
 * process alone, so this process fills it.
 */
async function startHistory(nc: NatsConnection, log: EventLog, db: HistoryDb, config: Config, logger: Logger): Promise<Supervisor<HistorySink>> {
  const lease = db.backend === 'server' ? await Lease.open(nc, 'projection.history', undefined, undefined, config.replicas) : undefined
  const sink = new Supervisor('history', async () => new HistorySink(log, db, { flushIntervalMs: config.historyCommitMs }), { lease, logger })
  await sink.start()
  return sink
}
