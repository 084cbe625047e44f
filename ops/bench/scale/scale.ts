// Scale-out benchmark (`--only scale`): one nats-server, one ClickHouse
// server, one projector and one sink process (`seqline up --role projector`,
// `--role sink`), and 1, 2, then 4 API processes (`--role api`), the clients
// spread over them, plus one API process with no client (what following the
// log costs an API process for events none of its sockets is in), beside two
// bare receivers of every event (bare-follower.ts). The same paced workload runs against each count; for each
// API process its CPU per event of the log and per delivery it made, beside
// the projector's, the sink's and nats-server's, and beside the js.publish
// ceiling measured in the same run. Every delivery is matched to its send.

import { join } from 'node:path'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { Tokens } from '../../../api/auth/index.js'
import { until } from '../../../core/index.js'
import { type Cursor, type JetStreamLog, openJetStreamLog } from '../../../core/log/index.js'
import { committedShares } from '../../../projections/runtime/index.js'
import type { LiveDelivery } from '../../../schemas/index.js'
import { startClickHouseServer } from '../../servers/index.js'
import type { SeqlineProcess } from '../../servers/seqline-process.js'
import { cpuSecondsOf } from '../shared/process-usage.js'
import { type Ceiling, clientCeiling } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog } from '../shared/scratch.js'
import { type ClientPool, connectClients } from '../websocket/clients.js'
import type { Verdict } from '../websocket/ledger.js'
import { sustainedLoad } from '../websocket/load.js'
import { createConversations } from '../websocket/setup.js'
import { convsOf, type Topology, topology } from '../websocket/topology.js'
import { startBare } from './bare-receivers.js'
import { type Deployment, deploymentOf, startRole } from './deployment.js'

export interface ScaleOptions {
  natsUrl: string
  natsPid: number | undefined
  /** A ClickHouse server the API and sink roles share; a local one is started when absent. */
  clickhouseUrl?: string
  dir: string
  partitions: number
  apiCounts: number[]
  clients: number
  groupSize: number
  rate: number
  seconds: number
  warmupSeconds: number
  ceilingMessages: number
  window: number
  /** Another build's dist/ops/cli.js to run every role with (a baseline). */
  cli?: string
  /** Where the API processes' live events come from. */
  live: LiveDelivery
}

interface ApiFigures {
  cpuPercent: number
  /** CPU per event appended to the log in the step (every API process sees every event). */
  usPerLogEvent: number
  deliveries: number
  /** CPU per delivery this process made to its own sockets. */
  usPerDelivery: number
  sockets: number
}

interface ScaleStep {
  apis: number
  seconds: number
  ackedPerSecond: number
  logEventsPerSecond: number
  deliveriesPerSecond: number
  perApi: ApiFigures[]
  /**
   * CPU per log event of one more API process that holds no socket and takes
   * no command: what an event of conversations none of its sockets belongs to
   * costs an API process (it follows the whole log).
   */
  idleApiUsPerEvent: number
  /** Beside it: CPU per log event of a process that only receives every event (a core subscription; ordered consumers, empty callback). */
  bareUsPerEvent: { core: number; ordered: number }
  projectorUsPerEvent: number
  sinkUsPerEvent: number
  natsUsPerEvent: number | undefined
  verdict: Verdict
  ok: boolean
}

export interface ScaleResult {
  options: Omit<ScaleOptions, 'dir' | 'natsPid'>
  ceiling: { before: Ceiling; after: Ceiling }
  steps: ScaleStep[]
  ok: boolean
}

const SETUP_WINDOW = 64
const TOKEN_TTL_SECONDS = 3600
const CATCH_UP_MS = 60_000

export async function scaleBench(nc: NatsConnection, opts: ScaleOptions): Promise<ScaleResult> {
  const raw = await scratchLog(nc, 'scaleraw', opts.partitions)
  const local = opts.clickhouseUrl ? null : await startClickHouseServer({ dataDir: join(opts.dir, 'scale-clickhouse') })
  const d = deploymentOf(opts, opts.clickhouseUrl ?? local!.url)
  // The roles use the default log layout: Seqline's own streams on this server.
  const log = await openJetStreamLog(nc, { names: { partitions: opts.partitions } })
  const started: SeqlineProcess[] = []
  try {
    const before = await clientCeiling(nc, raw, opts.ceilingMessages, opts.window)
    const projector = await startRole(d, 'projector', 'projector', { cli: opts.cli })
    started.push(projector)
    const sink = await startRole(d, 'sink', 'sink', { cli: opts.cli })
    started.push(sink)
    const t = topology(opts.clients, opts.groupSize)
    await createConversations(log, t, SETUP_WINDOW)
    await viewsCaughtUp(nc, log)
    const tokens = new Tokens(d.secrets)
    const userTokens = await Promise.all(t.users.map(async (u) => (await tokens.mint(u, TOKEN_TTL_SECONDS)).token))
    const steps: ScaleStep[] = []
    for (const apis of opts.apiCounts) steps.push(await scaleStep(d, log, t, userTokens, apis, { projector, sink }, opts))
    const after = await clientCeiling(nc, raw, opts.ceilingMessages, opts.window)
    const { dir: _dir, natsPid: _pid, ...shown } = opts
    return { options: shown, ceiling: { before, after }, steps, ok: steps.every((s) => s.ok) }
  } finally {
    for (const p of started.reverse()) await p.stop()
    log.close()
    await dropLog(nc, raw)
    await local?.stop()
  }
}

/** One count of API processes: started, clients spread over them, warmed up, measured, stopped. */
async function scaleStep(
  d: Deployment,
  log: JetStreamLog,
  t: Topology,
  userTokens: string[],
  apis: number,
  roles: { projector: SeqlineProcess; sink: SeqlineProcess },
  opts: ScaleOptions,
): Promise<ScaleStep> {
  const processes = await Promise.all(Array.from({ length: apis }, (_, i) => startRole(d, 'api', `api-${apis}-${i}`, { cli: opts.cli })))
  // Beside them, an API process nobody connects to or sends through.
  const idle = await startRole(d, 'api', `api-${apis}-idle`, { cli: opts.cli })
  processes.push(idle)
  const bare = [await startBare(d.natsUrl, 'core', d.partitions), await startBare(d.natsUrl, 'ordered', d.partitions)]
  try {
    const heads = new Map(await Promise.all(t.convs.map(async (c) => [c.conv, (await log.head(c.conv)).seq] as const)))
    const deliveries = new Array<number>(apis).fill(0)
    const pool = await spreadClients(processes.slice(0, apis), t, userTokens, heads, deliveries)
    try {
      await sustainedLoad(pool, t, opts.rate, opts.warmupSeconds, `warm${apis}`)
      const pids = {
        apis: [...processes.map((p) => p.child.pid), ...bare.map((b) => b.pid)],
        projector: roles.projector.child.pid,
        sink: roles.sink.child.pid,
        nats: opts.natsPid,
      }
      const cpuBefore = await cpuOf(pids)
      const endBefore = await log.end()
      deliveries.fill(0)
      const run = await sustainedLoad(pool, t, opts.rate, opts.seconds, `s${apis}`)
      const cpuAfter = await cpuOf(pids)
      const events = eventsBetween(endBefore, await log.end())
      const verdict = run.ledger.verdict()
      const seconds = run.seconds + run.drainSeconds
      const used = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? Number.NaN : b - a)
      const perApi = processes.slice(0, apis).map((_, i) => {
        const cpu = used(cpuBefore.apis[i], cpuAfter.apis[i])
        return {
          cpuPercent: (cpu / seconds) * 100,
          usPerLogEvent: (cpu / events) * 1e6,
          deliveries: deliveries[i]!,
          usPerDelivery: (cpu / deliveries[i]!) * 1e6,
          sockets: socketsOf(i, apis, t.users.length),
        }
      })
      const natsCpu = used(cpuBefore.nats, cpuAfter.nats)
      return {
        apis,
        seconds,
        ackedPerSecond: verdict.acked / run.seconds,
        logEventsPerSecond: events / seconds,
        deliveriesPerSecond: deliveries.reduce((a, b) => a + b, 0) / seconds,
        perApi,
        idleApiUsPerEvent: (used(cpuBefore.apis[apis], cpuAfter.apis[apis]) / events) * 1e6,
        bareUsPerEvent: {
          core: (used(cpuBefore.apis[apis + 1], cpuAfter.apis[apis + 1]) / events) * 1e6,
          ordered: (used(cpuBefore.apis[apis + 2], cpuAfter.apis[apis + 2]) / events) * 1e6,
        },
        projectorUsPerEvent: (used(cpuBefore.projector, cpuAfter.projector) / events) * 1e6,
        sinkUsPerEvent: (used(cpuBefore.sink, cpuAfter.sink) / events) * 1e6,
        natsUsPerEvent: Number.isNaN(natsCpu) ? undefined : (natsCpu / events) * 1e6,
        verdict,
        ok: verdict.ok,
      }
    } finally {
      pool.close()
    }
  } finally {
    for (const b of bare) await b.stop()
    await Promise.all(processes.map((p) => p.stop()))
  }
}

/** Users in contiguous blocks, one block per API process; one pool over all of them, each delivery counted for its process. */
async function spreadClients(
  processes: SeqlineProcess[],
  t: Topology,
  tokens: string[],
  heads: Map<string, number>,
  deliveries: number[],
): Promise<ClientPool> {
  const have = (u: number) => Object.fromEntries(convsOf(t, u).map((p) => [p.conv, heads.get(p.conv)!]))
  const pools: ClientPool[] = []
  const merged: ClientPool = {
    sockets: [],
    onEvent: () => undefined,
    rawEventFrames: () => pools.reduce((n, p) => n + p.rawEventFrames(), 0),
    emittedEvents: () => pools.reduce((n, p) => n + p.emittedEvents(), 0),
    reconnects: () => pools.reduce((n, p) => n + p.reconnects(), 0),
    close: () => {
      for (const p of pools) p.close()
    },
  }
  for (const [i, p] of processes.entries()) {
    const first = firstOf(i, processes.length, tokens.length)
    const pool = await connectClients(p.url.replace(/^http/, 'ws'), tokens.slice(first, firstOf(i + 1, processes.length, tokens.length)), (u) =>
      have(first + u),
    )
    pool.onEvent = (u, event, at) => {
      deliveries[i]!++
      merged.onEvent(first + u, event, at)
    }
    pools.push(pool)
    merged.sockets.push(...pool.sockets)
  }
  return merged
}

const firstOf = (i: number, parts: number, n: number) => Math.floor((i * n) / parts)
const socketsOf = (i: number, parts: number, n: number) => firstOf(i + 1, parts, n) - firstOf(i, parts, n)

async function cpuOf(pids: { apis: Array<number | undefined>; projector?: number; sink?: number; nats?: number }) {
  return {
    apis: await Promise.all(pids.apis.map((pid) => cpuSecondsOf(pid))),
    projector: await cpuSecondsOf(pids.projector),
    sink: await cpuSecondsOf(pids.sink),
    nats: await cpuSecondsOf(pids.nats),
  }
}

function eventsBetween(before: Cursor, after: Cursor): number {
  return Object.entries(after).reduce((n, [p, end]) => n + end - (before[Number(p)] ?? 0), 0)
}

/** The projector has projected the setup: sockets sync against views that hold every conversation. */
async function viewsCaughtUp(nc: NatsConnection, log: JetStreamLog): Promise<void> {
  const jsm = await jetstreamManager(nc)
  const ends = await log.end()
  await until(
    async () => {
      const reach = (await committedShares(jsm, 'conversations', log.partitions)) ?? {}
      return Object.entries(ends).every(([p, end]) => (reach[Number(p)] ?? 0) >= end) || undefined
    },
    { timeoutMs: CATCH_UP_MS, everyMs: 100, timedOut: () => new Error(`the projector did not project the setup within ${CATCH_UP_MS} ms`) },
  )
}
