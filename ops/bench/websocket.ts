// WebSocket benchmark (`--only ws`): N users, each on a socket of the client
// library, against one API process over a fresh log and views. They send at a
// paced total rate to their direct peers and groups; every delivery to every
// member is matched to its send, so the figures come with a proof that each
// acked message reached each member exactly once. Then a fan-out to a group of
// all N. Printed beside the raw JetStream publish ceilings of the same run,
// with the CPU and memory it took.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { NatsConnection } from '@nats-io/transport-node'
import { Tokens } from '../../api/auth/tokens.js'
import { cpuSecondsOf, rssMbOf, sampleUsage, type Usage } from './process-usage.js'
import { publishCeilings, type Ceilings } from './publish-ceilings.js'
import { dropLog, scratchLog } from './scratch.js'
import { percentiles } from './stats.js'
import type { ChildUsage } from './ws-api-process.js'
import { connectClients, type ClientPool } from './ws-clients.js'
import { fanout, type FanoutRun } from './ws-fanout.js'
import type { Verdict } from './ws-ledger.js'
import { sustainedLoad } from './ws-load.js'
import { createConversations } from './ws-setup.js'
import { startStack, type ApiPlacement, type ProjectionPlacement, type WsStack } from './ws-stack.js'
import { convsOf, topology, type Topology } from './ws-topology.js'

export interface WsOptions {
  /** NATS URL, for an API in a child process. */
  servers: string
  clients: number
  /** Target messages/s, all clients together; several: one load step at each, on the same connections. */
  rate: number
  rates?: number[]
  seconds: number
  groupSize: number
  /** Members of the fan-out group (the first users); all clients by default. */
  fanoutSize?: number
  /** Source addresses 127.0.0.1..K the client sockets are spread over (ephemeral ports are per address). */
  addresses?: number
  /** Untimed warm-up before the first step, s (later steps warm up for WARMUP_SECONDS); long enough for every client to send once. */
  warmupSeconds?: number
  partitions: number
  placement: ApiPlacement
  /** The conversations projection in the API's process, or in one of its own. */
  projection: ProjectionPlacement
  /** Messages and window of each publish-ceiling run. */
  ceilingMessages: number
  window: number
  /** nats-server's pid, when it is local: its CPU is read from /proc. */
  natsPid?: number
}

type Pct = ReturnType<typeof percentiles>

/** One load step: a paced rate on the connections already open. */
export interface WsStep {
  rate: number
  load: WsResult['load']
  usage: WsResult['usage']
  /** CPU of the API process per acked message, ms (every frame it caused; the projection too when it runs there). */
  apiCpuMsPerMessage?: number
  /** Acks and recipient deliveries per bin of binMs, from the step's first send. */
  series: { binMs: number; acks: number[]; deliveries: number[] }
  /** Latency at quantiles (for a CDF chart): q[i] → ackMs[i], deliveryMs[i]. */
  cdf: { q: number[]; ackMs: number[]; deliveryMs: number[] }
}

export interface WsResult {
  clients: number
  directs: number
  groups: number
  groupSize: number
  rate: number
  seconds: number
  placement: ApiPlacement
  projection: ProjectionPlacement
  ceilings: { before: Ceilings; after: Ceilings }
  load: {
    seconds: number
    drainSeconds: number
    ackedPerSecond: number
    recipientDeliveries: number
    deliveriesPerSecond: number
    ack: Pct
    delivery: Pct
    verdict: Verdict
  }
  steps: WsStep[]
  fanout: { members: number; lastMember: number[]; member: Pct; ack: Pct; verdict: Verdict; apiCpuMsPerShot?: number; benchCpuMsPerShot: number }
  /** Opening every socket, each authenticated and synced. */
  connect: { sockets: number; seconds: number; perSecond: number; addresses: number; fdLimit?: number }
  /** Memory at rest after full collections: the API with no socket, then with every socket idle. */
  idle: { apiRssNoneMb?: number; apiRssIdleMb?: number; apiHeapNoneMb?: number; apiHeapIdleMb?: number; rssKbPerConnection?: number; heapKbPerConnection?: number; benchRssNoneMb: number; benchRssIdleMb: number; natsRssMb?: number }
  warmup: { seconds: number; verdict: Verdict }
  wire: { rawEventFrames: number; emittedEvents: number; reconnects: number }
  usage: {
    bench: Usage
    apiCpuPercent?: number
    apiRssMb?: number
    apiMaxRssMb?: number
    apiLoopDelay?: Usage['loopDelay']
    /** The projection's process, when it has one of its own (--ws-projection child). */
    projectionCpuPercent?: number
    projectionRssMb?: number
    projectionMaxRssMb?: number
    natsCpuPercent?: number
    natsRssMb?: number
  }
  ok: boolean
}

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const SETUP_WINDOW = 64
const TOKEN_TTL_SECONDS = 3600
/**
 * The load runs this long first, untimed but checked: the first seconds are
 * JIT compilation and the handler loading each conversation's state, which
 * put hundreds of ms on every send and say nothing about the steady state.
 */
const WARMUP_SECONDS = 2
/** Sockets sit idle this long after the last one connected before the API's memory is read. */
const IDLE_SETTLE_MS = 3000
const SERIES_BIN_MS = 250
const NATS_RSS_EVERY_MS = 500

export async function wsBench(nc: NatsConnection, opts: WsOptions): Promise<WsResult> {
  const raw = await scratchLog(nc, 'wsraw', opts.partitions)
  const log = await scratchLog(nc, 'ws', opts.partitions)
  try {
    const before = await publishCeilings(nc, raw, opts.ceilingMessages, opts.window)
    const t = topology(opts.clients, opts.groupSize, opts.fanoutSize)
    const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
    const stack = await startStack({ api: opts.placement, projection: opts.projection }, nc, log, opts.servers, `bench_${RUN}_ws`, secrets)
    let measured: Omit<WsResult, 'ceilings' | 'ok'>
    try {
      const heads = await createConversations(log, t, SETUP_WINDOW)
      await stack.settle()
      const none = await stack.collected()
      const benchNone = await benchRestMb()
      const connectStart = performance.now()
      const pool = await connectUsers(stack, t, heads, new Tokens(secrets), opts.addresses ?? 1)
      const connectSeconds = (performance.now() - connectStart) / 1000
      try {
        await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS))
        const idleApi = await stack.collected()
        const benchIdle = await benchRestMb()
        const perConn = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : ((b - a) * 1024) / opts.clients)
        const idle = {
          apiRssNoneMb: none?.rssMb,
          apiRssIdleMb: idleApi?.rssMb,
          apiHeapNoneMb: none?.heapUsedMb,
          apiHeapIdleMb: idleApi?.heapUsedMb,
          rssKbPerConnection: perConn(none?.rssMb, idleApi?.rssMb),
          heapKbPerConnection: perConn(none?.heapUsedMb, idleApi?.heapUsedMb),
          benchRssNoneMb: benchNone,
          benchRssIdleMb: benchIdle,
          natsRssMb: await rssMbOf(opts.natsPid),
        }
        const connect = { sockets: opts.clients, seconds: connectSeconds, perSecond: opts.clients / connectSeconds, addresses: opts.addresses ?? 1, fdLimit: await fdLimit() }
        measured = { ...(await measure(pool, t, stack, opts)), connect, idle }
      } finally {
        pool.close()
      }
    } finally {
      await stack.stop()
    }
    const after = await publishCeilings(nc, raw, opts.ceilingMessages, opts.window)
    return { ...measured, ceilings: { before, after }, ok: isClean(measured) }
  } finally {
    await dropLog(nc, raw)
    await dropLog(nc, log)
  }
}

/** Every user on a socket of its own, holding the heads after setup. */
async function connectUsers(stack: WsStack, t: Topology, heads: Map<string, number>, tokens: Tokens, addresses: number): Promise<ClientPool> {
  const userTokens = await Promise.all(t.users.map(async (u) => (await tokens.mint(u, TOKEN_TTL_SECONDS)).token))
  return connectClients(stack.url, userTokens, (u) => Object.fromEntries(convsOf(t, u).map((p) => [p.conv, heads.get(p.conv)!])), addresses)
}

async function measure(pool: ClientPool, t: Topology, stack: WsStack, opts: WsOptions): Promise<Omit<WsResult, 'ceilings' | 'ok' | 'connect' | 'idle'>> {
  const rates = opts.rates ?? [opts.rate]
  const steps: WsStep[] = []
  const warmups: Verdict[] = []
  for (const [i, rate] of rates.entries()) {
    const warm = await sustainedLoad(pool, t, rate, i === 0 ? (opts.warmupSeconds ?? WARMUP_SECONDS) : WARMUP_SECONDS, `warm${i}`)
    warmups.push(warm.ledger.verdict())
    steps.push(await step(pool, t, stack, opts, rate, `w${i}`))
  }
  const apiBefore = await stack.usage()
  const benchBefore = process.cpuUsage()
  const fan = await fanout(pool, t)
  const benchCpu = process.cpuUsage(benchBefore)
  const apiAfter = await stack.usage()
  const shots = fan.lastMemberMs.length
  const cpu = { apiCpuMsPerShot: apiBefore && apiAfter ? ((apiAfter.cpuSeconds - apiBefore.cpuSeconds) * 1000) / shots : undefined, benchCpuMsPerShot: (benchCpu.user + benchCpu.system) / 1000 / shots }
  const first = steps[0]!
  return {
    clients: opts.clients,
    directs: t.convs.filter((c) => c.kind === 'direct').length,
    groups: t.convs.filter((c) => c.kind === 'group').length - 1,
    groupSize: opts.groupSize,
    rate: first.rate,
    seconds: opts.seconds,
    placement: stack.placement,
    projection: stack.projection,
    load: first.load,
    steps,
    fanout: { ...summariseFanout(fan), ...cpu },
    warmup: { seconds: opts.warmupSeconds ?? WARMUP_SECONDS, verdict: mergeVerdicts(warmups) },
    wire: { rawEventFrames: pool.rawEventFrames(), emittedEvents: pool.emittedEvents(), reconnects: pool.reconnects() },
    usage: first.usage,
  }
}

/** One timed load step at `rate`, with what it cost each process. */
async function step(pool: ClientPool, t: Topology, stack: WsStack, opts: WsOptions, rate: number, prefix: string): Promise<WsStep> {
  const natsBefore = await cpuSecondsOf(opts.natsPid)
  const apiBefore = await stack.usage()
  const projectionBefore = await stack.projectionUsage()
  const usage = sampleUsage()
  let natsRssMb = 0
  const natsRss = setInterval(() => void rssMbOf(opts.natsPid).then((mb) => void (natsRssMb = Math.max(natsRssMb, mb ?? 0))), NATS_RSS_EVERY_MS)
  const load = await sustainedLoad(pool, t, rate, opts.seconds, prefix)
  clearInterval(natsRss)
  const bench = usage.stop()
  const apiAfter = await stack.usage()
  const projectionAfter = await stack.projectionUsage()
  const natsAfter = await cpuSecondsOf(opts.natsPid)
  const l = load.ledger
  return {
    rate,
    apiCpuMsPerMessage: apiBefore && apiAfter && l.ackMs.length > 0 ? ((apiAfter.cpuSeconds - apiBefore.cpuSeconds) * 1000) / l.ackMs.length : undefined,
    load: {
      seconds: load.seconds,
      drainSeconds: load.drainSeconds,
      ackedPerSecond: l.ackMs.length / load.seconds,
      recipientDeliveries: l.recipientDeliveries,
      deliveriesPerSecond: l.recipientDeliveries / ((l.lastDeliveryAt - l.firstAt) / 1000),
      ack: percentiles(l.ackMs),
      delivery: percentiles(l.deliveryMs),
      verdict: l.verdict(),
    },
    usage: {
      bench,
      ...apiShare(apiBefore, apiAfter, bench.seconds),
      ...projectionShare(projectionBefore, projectionAfter, bench.seconds),
      natsCpuPercent: percentOf(natsBefore, natsAfter, bench.seconds),
      natsRssMb: natsRssMb || undefined,
    },
    series: { binMs: SERIES_BIN_MS, acks: binned(l.ackAt, l.firstAt), deliveries: binned(l.deliveryAt, l.firstAt) },
    cdf: cdfOf(l.ackMs, l.deliveryMs),
  }
}

function binned(times: number[], from: number): number[] {
  const bins: number[] = []
  for (const at of times) {
    const b = Math.max(0, Math.floor((at - from) / SERIES_BIN_MS))
    while (bins.length <= b) bins.push(0)
    bins[b]!++
  }
  return bins
}

/** Quantiles dense in the tail: 0..0.9 by 0.01, then 1 - 10^-k subdivided, up to the maximum. */
function cdfOf(ack: number[], delivery: number[]): WsStep['cdf'] {
  const q: number[] = []
  for (let i = 0; i <= 90; i++) q.push(i / 100)
  for (let k = 1; k < 4; k++) for (let j = 1; j <= 9; j++) q.push(1 - 10 ** -k + (j * 10 ** -k) / 10)
  q.push(1)
  const at = (samples: number[]) => {
    const sorted = Float64Array.from(samples).sort()
    return q.map((x) => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? NaN)
  }
  return { q, ackMs: at(ack), deliveryMs: at(delivery) }
}

function mergeVerdicts(vs: Verdict[]): Verdict {
  const out = { ...vs[0]!, failed: { ...vs[0]!.failed } }
  for (const v of vs.slice(1)) {
    for (const k of ['sent', 'acked', 'expected', 'deliveredOnce', 'missed', 'duplicates', 'seqMismatch', 'misrouted', 'deliveredUnacked', 'foreign'] as const) out[k] += v[k]
    for (const [code, n] of Object.entries(v.failed)) out.failed[code] = (out.failed[code] ?? 0) + n
    out.ok &&= v.ok
    out.correct &&= v.correct
  }
  return out
}

/** This process's resident memory after full collections, when gc is exposed (--expose-gc). */
async function benchRestMb(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  return process.memoryUsage.rss() / 2 ** 20
}

/** The soft limit of open files of this process (child processes inherit it). */
async function fdLimit(): Promise<number | undefined> {
  try {
    const line = (await readFile('/proc/self/limits', 'utf8')).split('\n').find((l) => l.startsWith('Max open files'))
    return line ? Number(line.split(/\s{2,}/)[1]) : undefined
  } catch {
    return undefined
  }
}

function summariseFanout(f: FanoutRun): Omit<WsResult['fanout'], 'apiCpuMsPerShot' | 'benchCpuMsPerShot'> {
  return { members: f.members, lastMember: f.lastMemberMs, member: percentiles(f.memberMs), ack: percentiles(f.ackMs), verdict: f.verdict }
}

function apiShare(before: ChildUsage | undefined, after: ChildUsage | undefined, seconds: number) {
  if (!before || !after) return {}
  return { apiCpuPercent: percentOf(before.cpuSeconds, after.cpuSeconds, seconds), apiRssMb: after.rssMb, apiMaxRssMb: after.maxRssMb, apiLoopDelay: after.loopDelay }
}

function projectionShare(before: ChildUsage | undefined, after: ChildUsage | undefined, seconds: number) {
  if (!before || !after) return {}
  return { projectionCpuPercent: percentOf(before.cpuSeconds, after.cpuSeconds, seconds), projectionRssMb: after.rssMb, projectionMaxRssMb: after.maxRssMb }
}

function percentOf(before: number | undefined, after: number | undefined, seconds: number): number | undefined {
  return before === undefined || after === undefined ? undefined : ((after - before) / seconds) * 100
}

/** Exactly once everywhere, and nothing on the wire the library had to hide: no duplicate frames, no resyncs. */
function isClean(m: Omit<WsResult, 'ceilings' | 'ok'>): boolean {
  // A step beyond what the system sustains may time sends out (it is reported as overloaded); nothing may be lost or duplicated.
  return m.warmup.verdict.correct && m.steps[0]!.load.verdict.ok && m.steps.every((s) => s.load.verdict.correct) && m.fanout.verdict.ok && m.wire.reconnects === 0 && m.wire.rawEventFrames === m.wire.emittedEvents
}
