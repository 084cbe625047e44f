// A running Seqline composed from its configuration, in one process: a local
// nats-server (unless SEQLINE_NATS_URL names one), the event log laid out, the
// processors (conversations projector, burn-erase reactor, history sink), the
// burn executor, the retention sweep, the user-erasure worker and the REST +
// WebSocket API. `seqline up` (ops/cli/up.ts) runs
// one until a signal.
import { readFileSync } from 'node:fs'
import type { NatsConnection } from '@nats-io/transport-node'
import { Tokens, USERS_BUCKET, UserDirectory } from '../../api/auth/index.js'
import { parseOrigins, startApi } from '../../api/index.js'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider, DEFAULT_POLICY } from '../../core/domain/index.js'
import type { EventLog } from '../../core/log/index.js'
import { UserLog } from '../../core/users/index.js'
import { Bots } from '../../integrations/bots/index.js'
import { DelivererSet, ParkedStore } from '../../integrations/delivery/index.js'
import { LiveHooks } from '../../integrations/hooks/index.js'
import { Pusher, PushTargets } from '../../integrations/push/index.js'
import { Webhooks } from '../../integrations/webhooks/index.js'
import { BurnExecutor, ConversationViews, openBurnEraser, openConversationsProjector } from '../../projections/conversations/index.js'
import type { HistoryDb } from '../../projections/history/index.js'
import { HistorySink, HistoryWriter, migrate } from '../../projections/history/index.js'
import { AUDIT_STREAM, AuditLog, RetentionSettings, RetentionSweeper, UserErasure } from '../../projections/retention/index.js'
import { jsonLogger, Lease, type Logger, lagBehind, Supervisor } from '../../projections/runtime/index.js'
import type { Config } from '../../schemas/index.js'
import { DENSE_SEQ_WARNING, denseSeqAtRisk } from '../nats-compat.js'
import { connectNats } from '../nats-connection.js'
import { describeHistory, openHistory } from '../open-history.js'
import { openLog } from '../open-log.js'
import { announceRunning, withdrawRunning } from '../running-instance.js'
import { loadSecrets } from '../secrets.js'

/** A Seqline with every component started, and the way to stop them in order. */
export interface RunningSeqline {
  /** What runs where, one line per component, for the operator. */
  summary: string
  /** Stops the components in the reverse order of their start. */
  stop(): Promise<void>
}

export async function compose(config: Config): Promise<RunningSeqline> {
  const { nc, url, local, close } = await connectNats(config, 'seqline')
  if (local) await announceRunning(config.dataDir, { pid: process.pid, natsUrl: url })
  const log = await openLog(nc, config)
  const logger = jsonLogger(config.logLevel)
  const leased = async (key: string) => ({ lease: await Lease.open(nc, key, undefined, undefined, config.replicas), logger })
  // One process in a deployment runs the projection and the reactor; the others stand by and take over if it goes.
  const projection = new Supervisor(
    'conversations',
    () => openConversationsProjector(nc, log, { replicas: config.replicas }),
    await leased('projection.conversations'),
  )
  await projection.start()
  const eraser = new Supervisor('burn-erase', () => openBurnEraser(nc, log, { replicas: config.replicas }), await leased('reactor.burn-erase'))
  await eraser.start()
  // Webhooks (and bots) are deliverers each under a lease of its own: every process watches their configuration, one delivers each.
  const parked = await ParkedStore.open(nc, config.replicas)
  const deliverers = new DelivererSet(nc, log, parked, { logger, replicas: config.replicas })
  const webhooks = await Webhooks.open(nc, log, parked, deliverers, { replicas: config.replicas, logger })
  await webhooks.start()
  const historyDb = await openHistory(config)
  // Every process migrates (idempotently): a standby serves search before it ever runs the sink.
  await migrate(historyDb)
  const history = await startHistory(nc, log, historyDb, config.replicas, logger)
  const views = await ConversationViews.open(nc)
  const viewsLag = async () => lagBehind(log, (await views.reach()) ?? {})
  // Before-hooks are followed from their KV bucket: a change through any process's admin API applies here too.
  const hooks = await LiveHooks.open(nc, { replicas: config.replicas, logger })
  // Bots are known to every process (their events are marked); each bot's deliverer runs in one.
  const bots = await Bots.open(nc, log, deliverers, { usersBucket: USERS_BUCKET, stateOf: (conv) => handler.state(conv), replicas: config.replicas, logger })
  const policy = { ...DEFAULT_POLICY, maxGroupMembers: config.maxGroupMembers, maxChannelMembers: config.maxChannelMembers }
  // Users' own logs: a block is checked against the blocker's log when the blocked user writes to them.
  const userLog = await UserLog.open(nc, { replicas: config.replicas })
  const handler = new CommandHandler(log, createDecider(policy), { hooks, isBot: bots.isBot, blocks: (blocker, user) => userLog.blocks(blocker, user) })
  await bots.start()
  const burns = new BurnExecutor(views, handler, { logger })
  burns.start()
  const retention = { audit: await AuditLog.open(nc, config.replicas), settings: await RetentionSettings.open(nc, undefined, config.replicas) }
  const sweeper = new RetentionSweeper(log, views, handler, retention.settings, { intervalMs: config.retentionIntervalSeconds * 1000, logger })
  sweeper.start()
  const erasure = new UserErasure(log, views, handler, retention.audit, { logger })
  await erasure.start(nc)
  // Idle until a push target is set through the admin API; then one process of the deployment pushes.
  const push = await Pusher.open(nc, log, views, await PushTargets.open(nc, config.replicas), { replicas: config.replicas, logger })
  await push.start()
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
    handler,
    userLog,
    hooks,
    views,
    tokens,
    users,
    limits,
    trustProxy,
    corsOrigins,
    projectionLag: viewsLag,
    // Read from the tables, so it is true whichever process runs the sink.
    historyLag: async () => lagBehind(log, (await new HistoryWriter(historyDb).written()).events),
    history: { db: historyDb, sqlLimits },
    retention,
    push,
    logging: { level: config.logLevel },
    webhooks,
    deliverers: () => deliverers.views(),
  }
  const api = await startApi(deps, config.apiHost, config.apiPort, https)
  const lag = await viewsLag()
  if (denseSeqAtRisk(nc.info?.version ?? '0', config.replicas)) console.warn(`WARNING: ${DENSE_SEQ_WARNING}`)
  const summary = `  NATS         ${url}${local ? ` (local nats-server, store in ${local.storeDir})` : ''}
  log          ${config.partitions} partition streams ${log.streamOfPartition(0)}..${log.streamOfPartition(config.partitions - 1)}, ${config.replicas} replica(s)
  projection   conversations → KV bucket ${views.bucket} (${projection.running ? 'run here' : 'run by another process; standing by'}, views ${lag.events} events behind)
  retention    sweep every ${config.retentionIntervalSeconds} s, user erasures taken from the audit stream ${AUDIT_STREAM}
  webhooks     ${deliverers.names().length} configured, ${deliverers.views().filter((d) => d.running).length} delivered by this process
  burns        executor running, erase reactor ${eraser.running ? 'run here' : 'run by another process; standing by'}
  push         ${push.delivering ? 'delivering from here' : 'idle until PUT /v1/admin/push, or delivered by another process'}
  history      ${describeHistory(historyDb)} (${history.running ? 'sink runs here' : 'sink run by another process; standing by'})
  console      ${api.url}/
  API          ${api.url}  (WebSocket ${api.url.replace(/^http/, 'ws')}/v1/ws)
  docs         ${api.url}/docs  (OpenAPI at ${api.url}/openapi.json)
  credentials  ${secrets.file ? `generated in ${secrets.file} (service token for /v1/admin, JWT secret)` : 'from configuration'}${signInLine(config.serviceToken ? undefined : secrets.serviceToken)}`
  const stop = async () => {
    await api.close()
    await erasure.stop()
    await sweeper.stop()
    await push.stop()
    await burns.stop()
    hooks.close()
    await webhooks.stop()
    await bots.stop()
    await deliverers.stop()
    parked.close()
    await eraser.stop()
    await projection.stop()
    await history.stop()
    await historyDb.close()
    log.close()
    await close()
    if (local) await withdrawRunning(config.dataDir)
  }
  return { summary, stop }
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
async function startHistory(nc: NatsConnection, log: EventLog, db: HistoryDb, replicas: number, logger: Logger): Promise<Supervisor<HistorySink>> {
  const lease = db.backend === 'server' ? await Lease.open(nc, 'projection.history', undefined, undefined, replicas) : undefined
  const sink = new Supervisor('history', async () => new HistorySink(log, db), { lease, logger })
  await sink.start()
  return sink
}
