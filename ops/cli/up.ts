// `seqline up` (and `npm start`): Seqline with its embedded defaults, in one
// process. Starts a local nats-server (unless SEQLINE_NATS_URL names one), lays
// out the event log, runs the conversations projection, the burn executor and
// the REST + WebSocket API, until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs'
import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../core/log/index.js'
import type { HistoryDb } from '../../projections/history/history-db.js'
import { HistorySink } from '../../projections/history/sink.js'
import { RestartingRunner } from '../../projections/runtime/restarting-runner.js'
import { migrate } from '../../projections/history/migrations.js'
import { describeHistory, openHistory } from '../open-history.js'
import { CommandHandler } from '../../core/commands/command-handler.js'
import { createDecider } from '../../core/domain/decider.js'
import { BurnExecutor } from '../../projections/conversations/burn-executor.js'
import { openConversationsRunner } from '../../projections/conversations/open.js'
import { lagBehind } from '../../projections/runtime/lag.js'
import { Lease } from '../../projections/runtime/lease.js'
import { LeasedRunner } from '../../projections/runtime/leased-runner.js'
import { ConversationViews } from '../../projections/conversations/views.js'
import { Tokens } from '../../api/auth/tokens.js'
import { parseOrigins } from '../../api/cors.js'
import { startApi } from '../../api/server.js'
import { UserDirectory } from '../../api/users.js'
import { loadSecrets } from '../secrets.js'
import type { Config } from '../../schemas/config.js'
import { connectNats } from '../nats-connection.js'
import { openLog } from '../open-log.js'
import { announceRunning, withdrawRunning } from '../running-instance.js'
import { DENSE_SEQ_WARNING, denseSeqAtRisk } from '../nats-compat.js'

export async function up(config: Config): Promise<void> {
  const { nc, url, local, close } = await connectNats(config, 'seqline')
  if (local) await announceRunning(config.dataDir, { pid: process.pid, natsUrl: url })
  const log = await openLog(nc, config)
  // One process in a deployment runs the projection; the others stand by and take over if it goes.
  const projection = new LeasedRunner(await Lease.open(nc, 'projection.conversations', undefined, undefined, config.replicas), () => openConversationsRunner(nc, log, { replicas: config.replicas }))
  await projection.start()
  const historyDb = await openHistory(config)
  // Every process migrates (idempotently): a standby serves search before it ever runs the sink.
  await migrate(historyDb)
  const history = await startHistory(nc, log, historyDb, config.replicas)
  const views = await ConversationViews.open(nc)
  const viewsLag = async () => lagBehind(log, (await views.reach()) ?? {})
  const handler = new CommandHandler(log, createDecider())
  const burns = new BurnExecutor(views, handler)
  burns.start()
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
  const sqlLimits = { timeoutSeconds: config.sqlTimeoutSeconds, maxRows: config.sqlMaxRows }
  const trustProxy = config.trustProxy?.split(',').map((a) => a.trim())
  const corsOrigins = parseOrigins(config.corsOrigins)
  const deps = { log, nc, handler, views, tokens, users, limits, trustProxy, corsOrigins, projectionLag: viewsLag, history: { db: historyDb, sqlLimits }, logging: { level: config.logLevel } }
  const api = await startApi(deps, config.apiHost, config.apiPort, https)
  const lag = await viewsLag()
  if (denseSeqAtRisk(nc.info?.version ?? '0', config.replicas)) console.warn(`WARNING: ${DENSE_SEQ_WARNING}`)
  console.log(`Seqline is up.
  NATS         ${url}${local ? ` (local nats-server, store in ${local.storeDir})` : ''}
  log          ${config.partitions} partition streams ${log.streamOfPartition(0)}..${log.streamOfPartition(config.partitions - 1)}, ${config.replicas} replica(s)
  projection   conversations → KV bucket ${views.bucket} (${projection.running ? 'run here' : 'run by another process; standing by'}, views ${lag.events} events behind)
  burns        executor running
  history      ${describeHistory(historyDb)} (${history.running ? 'sink runs here' : 'sink run by another process; standing by'})
  API          ${api.url}  (WebSocket ${api.url.replace(/^http/, 'ws')}/v1/ws)
  docs         ${api.url}/docs  (OpenAPI at ${api.url}/openapi.json)
  credentials  ${secrets.file ? `generated in ${secrets.file} (service token for /v1/admin, JWT secret)` : 'from configuration'}
Ctrl-C stops it.`)
  await untilSignal()
  await api.close()
  await burns.stop()
  await projection.stop()
  await history.stop()
  await historyDb.close()
  log.close()
  await close()
  if (local) await withdrawRunning(config.dataDir)
}

/**
 * The history sink: on a ClickHouse server one process in a deployment runs it
 * (the others stand by, as for the projection); embedded chDB belongs to this
 * process alone, so this process fills it.
 */
async function startHistory(nc: NatsConnection, log: EventLog, db: HistoryDb, replicas: number): Promise<{ running: boolean; stop(): Promise<void> }> {
  if (db.backend === 'server') {
    const leased = new LeasedRunner(await Lease.open(nc, 'projection.history', undefined, undefined, replicas), async () => new HistorySink(log, db))
    await leased.start()
    return leased
  }
  const sink = new RestartingRunner(async () => new HistorySink(log, db))
  await sink.start()
  return sink
}

/** The first signal starts an orderly stop; a second one exits at once (everything acknowledged is already in JetStream). */
function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.once('SIGINT', () => process.exit(130))
      process.once('SIGTERM', () => process.exit(143))
      done()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
