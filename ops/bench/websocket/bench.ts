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
import { Tokens } from '../../../api/auth/index.js'
import { rssMbOf } from '../shared/process-usage.js'
import { publishCeilings } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog } from '../shared/scratch.js'
import { percentiles } from '../shared/stats.js'
import { type ClientPool, connectClients } from './clients.js'
import { type FanoutRun, fanout } from './fanout.js'
import type { Verdict } from './ledger.js'
import { sustainedLoad } from './load.js'
import type { WsOptions, WsResult, WsStep } from './result.js'
import { createConversations } from './setup.js'
import { startStack, type WsStack } from './stack.js'
import { step } from './step.js'
import { convsOf, type Topology, topology } from './topology.js'

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
        const connect = {
          sockets: opts.clients,
          seconds: connectSeconds,
          perSecond: opts.clients / connectSeconds,
          addresses: opts.addresses ?? 1,
          fdLimit: await fdLimit(),
        }
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
  const cpu = {
    apiCpuMsPerShot: apiBefore && apiAfter ? ((apiAfter.cpuSeconds - apiBefore.cpuSeconds) * 1000) / shots : undefined,
    benchCpuMsPerShot: (benchCpu.user + benchCpu.system) / 1000 / shots,
  }
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

function mergeVerdicts(vs: Verdict[]): Verdict {
  const out = { ...vs[0]!, failed: { ...vs[0]!.failed } }
  for (const v of vs.slice(1)) {
    for (const k of ['sent', 'acked', 'expected', 'deliveredOnce', 'missed', 'duplicates', 'seqMismatch', 'misrouted', 'deliveredUnacked', 'foreign'] as const)
      out[k] += v[k]
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

/** Exactly once everywhere, and nothing on the wire the library had to hide: no duplicate frames, no resyncs. */
function isClean(m: Omit<WsResult, 'ceilings' | 'ok'>): boolean {
  // A step beyond what the system sustains may time sends out (it is reported as overloaded); nothing may be lost or duplicated.
  return (
    m.warmup.verdict.correct &&
    m.steps[0]!.load.verdict.ok &&
    m.steps.every((s) => s.load.verdict.correct) &&
    m.fanout.verdict.ok &&
    m.wire.reconnects === 0 &&
    m.wire.rawEventFrames === m.wire.emittedEvents
  )
}
