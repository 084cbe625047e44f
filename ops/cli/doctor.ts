// `seqline doctor`: is everything Seqline needs there and healthy? Servers,
// versions, capabilities, the log's streams, the views and projection lag, the before-hooks, the push target.
import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor, EventLog } from '../../core/log/index.js'
import { ParkedStore } from '../../integrations/delivery/index.js'
import { HookStore, viewOf } from '../../integrations/hooks/index.js'
import { PushTargets, pushDelivererName } from '../../integrations/push/index.js'
import { Webhooks } from '../../integrations/webhooks/index.js'
import { CONVERSATIONS_BUCKET } from '../../projections/conversations/index.js'
import type { HistoryDb } from '../../projections/history/index.js'
import { HistoryWriter, MIGRATIONS, schemaVersion } from '../../projections/history/index.js'
import { committedCursor, committedShares } from '../../projections/runtime/index.js'
import { lagBehind } from '../../projections/runtime/lag.js'
import type { Config } from '../../schemas/index.js'
import { DENSE_SEQ_WARNING, denseSeqAtRisk } from '../nats-compat.js'
import { describeHistory, openHistory } from '../open-history.js'
import { findRunning } from '../running-instance.js'

export interface Check {
  name: string
  ok: boolean
  detail: string
}

export async function doctor(nc: NatsConnection, log: EventLog, config: Config): Promise<Check[]> {
  const checks: Check[] = [serverCheck(nc), denseSeqCheck(nc, config)]
  checks.push(...(await streamChecks(log, config)))
  checks.push(await bucketCheck(nc))
  checks.push(await lagCheck(nc, log))
  checks.push(...(await hookChecks(nc)))
  checks.push(await pushCheck(nc, log))
  checks.push(...(await webhookChecks(nc, log)))
  checks.push(...(await historyChecks(log, config)))
  return checks
}

function serverCheck(nc: NatsConnection): Check {
  const info = nc.info
  const version = info?.version ?? 'unknown'
  const [major, minor] = version.split('.').map(Number)
  const supported = major! > 2 || (major === 2 && minor! >= 9)
  const js = info?.jetstream === true
  return {
    name: 'nats-server',
    ok: supported && js,
    detail: `${version} at ${nc.getServer()}${info?.cluster ? `, cluster ${info.cluster}` : ''}; JetStream ${js ? 'enabled' : 'NOT enabled'}${supported ? '' : '; 2.9 or newer is required'}`,
  }
}

function denseSeqCheck(nc: NatsConnection, config: Config): Check {
  const version = nc.info?.version ?? '0'
  const risk = denseSeqAtRisk(version, config.replicas)
  return {
    name: 'dense seq on replicated streams',
    ok: !risk,
    detail: risk ? DENSE_SEQ_WARNING : `safe (${config.replicas} replica(s), nats-server ${version})`,
  }
}

async function streamChecks(log: EventLog, config: Config): Promise<Check[]> {
  const out: Check[] = []
  for (let p = 0; p < log.partitions; p++) {
    const info = await log.partitionInfo(p)
    const replicasOk = info.replicas === config.replicas
    out.push({
      name: `stream ${info.name}`,
      ok: replicasOk && info.directGet,
      detail: `${info.events} events, ${(info.bytes / 2 ** 20).toFixed(1)} MiB, ${info.replicas} replica(s)${replicasOk ? '' : ` (configured ${config.replicas})`}, direct get ${info.directGet ? 'on' : 'OFF'}`,
    })
  }
  return out
}

async function bucketCheck(nc: NatsConnection): Promise<Check> {
  try {
    const status = await (await new Kvm(nc).open(CONVERSATIONS_BUCKET)).status()
    return { name: `views ${CONVERSATIONS_BUCKET}`, ok: true, detail: `${status.values} records, ${(status.size / 2 ** 20).toFixed(1)} MiB` }
  } catch (err) {
    return { name: `views ${CONVERSATIONS_BUCKET}`, ok: false, detail: `not readable: ${(err as Error).message} (has Seqline been started?)` }
  }
}

/** The before-hooks in force, in the order they run, with their settings (never their secrets). */
async function hookChecks(nc: NatsConnection): Promise<Check[]> {
  const store = await HookStore.existing(nc)
  const hooks = store ? (await store.list()).map(viewOf) : []
  if (hooks.length === 0) return [{ name: 'before-hooks', ok: true, detail: 'none configured' }]
  return hooks.map((h) => ({
    name: `before-hook ${h.name}`,
    ok: true,
    detail: `${h.url} for ${h.commands.join(', ')}; timeout ${h.timeoutMs} ms, on failure ${h.onFailure}, order ${h.order}`,
  }))
}

/** How far the last committed projection batch is behind the log. */
async function lagCheck(nc: NatsConnection, log: EventLog): Promise<Check> {
  // One commit per partition (the projection runs in partition shares); a partition not yet converted stands where the whole commit left it.
  const cursor = (await committedShares(await jetstreamManager(nc), 'conversations', log.partitions)) ?? {}
  let behind = 0
  for (const [p, last] of Object.entries(await log.end())) behind += Math.max(0, last - (cursor[Number(p)] ?? 0))
  return { name: 'projection conversations', ok: behind < 10_000, detail: `${behind} events behind the log as of its last commits` }
}

/** The push target (never its secret) and how far push delivery is behind the log. */
async function pushCheck(nc: NatsConnection, log: EventLog): Promise<Check> {
  const target = await PushTargets.peek(nc)
  if (!target) return { name: 'push', ok: true, detail: 'no push target set (PUT /v1/admin/push)' }
  const position = await committedCursor(await jetstreamManager(nc), pushDelivererName(target.generation))
  const behind = position ? (await lagBehind(log, position)).events : 0
  return {
    name: 'push',
    ok: behind < 10_000,
    detail: `to ${target.url}, delay ${target.delaySeconds} s, ${position ? `${behind} events behind the log` : 'no delivery yet'}`,
  }
}

/** Every webhook with its state: lag, last error, parked batches (never its secret). */
async function webhookChecks(nc: NatsConnection, log: EventLog): Promise<Check[]> {
  const parked = await ParkedStore.open(nc)
  try {
    const webhooks = await Webhooks.open(nc, log, parked, null)
    return (await webhooks.list()).map((w) => ({
      name: `webhook ${w.name}`,
      ok: w.lastError === null && w.parked.length === 0 && w.lag.events < 10_000,
      detail: `${w.url} [${w.events.join(', ')}]: ${w.lag.events} events (${w.lag.seconds.toFixed(1)} s) behind, ${w.parked.length} parked batch(es)${w.lastError ? `, last error: ${w.lastError.message}` : ''}`,
    }))
  } finally {
    parked.close()
  }
}

/** The history store: reachable, which server and strategy, schema version, how far it is behind the log. */
async function historyChecks(log: EventLog, config: Config): Promise<Check[]> {
  const running = config.clickhouseUrl ? null : findRunning(config.dataDir)
  // Embedded chDB belongs to one process: while `seqline up` holds it, it is in use, not broken.
  if (running) return [{ name: 'history', ok: true, detail: `embedded chDB, held by a running seqline up (pid ${running.pid})` }]
  let db: HistoryDb
  try {
    db = await openHistory(config)
  } catch (err) {
    const where = config.clickhouseUrl ?? 'embedded chDB'
    const hint = config.clickhouseUrl ? '' : ' (chDB belongs to one process: a running `seqline up` holds it)'
    return [{ name: 'history', ok: false, detail: `${where} not usable: ${(err as Error).message.split('\n')[0]}${hint}` }]
  }
  try {
    const version = await schemaVersion(db).catch(() => 0)
    const current = MIGRATIONS.at(-1)!.version
    const written = await new HistoryWriter(db).written().catch(() => ({ events: {} as Cursor }))
    const behind = (await lagBehind(log, written.events)).events
    return [
      { name: 'history', ok: true, detail: describeHistory(db) },
      {
        name: 'history schema',
        ok: version === current,
        detail: `version ${version} of ${current}${version === current ? '' : ' (applied at the next start)'}`,
      },
      { name: 'history sink', ok: behind < 10_000, detail: `${behind} events behind the log` },
    ]
  } finally {
    await db.close()
  }
}

export function describeChecks(checks: Check[]): string {
  return checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`).join('\n')
}
