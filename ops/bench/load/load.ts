// The load benchmark (`--only load`): Seqline as `npm start` runs it, one
// process (seqline-process.ts), on a fresh nats-server of its own; 1,000
// WebSocket users in 500 direct pairs and 100 groups of 10 send paced
// 100-character texts, step by step, and every delivery to every member is
// checked against its send (the WebSocket benchmark's ledger). Then REST
// sends in an autocannon shape. Beside them, measured in the same run: the
// `ws` fan-out ceilings (a trivial `ws` server: closed-loop at saturation, and
// paced in the load's own shape, after Seqline has stopped) and the JetStream
// publish ceilings.

import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { Tokens } from '../../../api/auth/index.js'
import { DEFAULT_NAMES, type EventLog, openJetStreamLog } from '../../../core/log/index.js'
import { ConversationViews } from '../../../projections/conversations/index.js'
import { lagBehind } from '../../../projections/runtime/lag.js'
import type { LiveDelivery } from '../../../schemas/index.js'
import { startNatsServer } from '../../servers/index.js'
import { cpuSecondsOf, machineBusySeconds, mainThreadCpuSecondsOf, sampleUsage, writeSyscallsOf } from '../shared/process-usage.js'
import { type Ceilings, publishCeilings } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog } from '../shared/scratch.js'
import { percentiles } from '../shared/stats.js'
import type { Secrets } from '../websocket/api.js'
import { type ClientPool, connectClients, meanEventFrameBytes } from '../websocket/clients.js'
import type { Verdict } from '../websocket/ledger.js'
import { sustainedLoad } from '../websocket/load.js'
import { type SendOrder, sendersInOrder } from '../websocket/send-order.js'
import { createConversations } from '../websocket/setup.js'
import { convsOf, type Topology, topology } from '../websocket/topology.js'
import { type ProfileTop, profileTop } from './profile-top.js'
import { type RestRun, restSend } from './rest.js'
import { type SeqlineProcess, startSeqline } from './seqline-process.js'
import { type Observed, observedBetween, shareAbove } from './server-histograms.js'
import { type LoopDelay, scrapeServer } from './server-metrics.js'
import { type WsCeiling, wsCeiling } from './ws-ceiling.js'
import { type PacedCeiling, wsPacedCeiling } from './ws-ceiling-paced.js'

export interface LoadOptions {
  /** Paced WebSocket steps; none runs the REST step alone (no sockets are connected). */
  rates: number[]
  seconds: number
  clients: number
  groupSize: number
  warmupSeconds: number
  restConnections: number
  restSeconds: number
  ceilingMessages: number
  window: number
  /** Where the Seqline process writes a --cpu-prof profile, if wanted. */
  profileDir?: string
  /** Another build's dist/ops/cli.js to run as the Seqline process (a baseline), instead of this one's. */
  cli?: string
  /** Node flags of the Seqline process alone. */
  nodeFlags: string[]
  /** Where the Seqline process's live events come from. */
  live: LiveDelivery
  /** The order in which the clients take their turns to send (send-order.ts). */
  order: SendOrder
}

type Percentiles = ReturnType<typeof percentiles>

export interface LoadStep {
  rate: number
  seconds: number
  ackedPerSecond: number
  deliveriesPerSecond: number
  ack: Percentiles
  delivery: Percentiles
  /** Every delivery owed to a member's socket (the sender's own included) and how many came exactly once. */
  deliveries: number
  cpu: {
    apiMsPerMessage: number
    apiUsPerDelivery: number
    apiPercent: number
    /** The Seqline process's main thread (its event loop) alone, in percent of one core (absent from results written before it was measured). */
    apiMainPercent?: number
    natsMsPerMessage: number
    natsUsPerDelivery: number
    natsPercent: number
  }
  /** Write syscalls of the Seqline process (sockets to clients and to NATS alike) per message: what each costs in the kernel. */
  apiWritesPerMessage: number
  /** The server's part of the delivery time, from each event's decision to its hand-over to sockets (absent from a build without the metric). */
  hubLag?: Observed
  /** The server's part of the ack time, from each command frame's arrival to its ack going to the socket (absent from a build without the metric). */
  frameToAck?: Observed
  /** Part of frame→ack: each command's wait for the commands of its conversation before it (absent from a build without the metric). */
  turnWait?: Observed & { waitedShare?: number }
  /** Minor GC (scavenge) pauses of the Seqline process during the step and its drain (absent from a build without the metric). */
  gcMinor?: GcPauses
  /** How late the Seqline process's event loop ran during the step (absent from a build that does not expose it). */
  loopDelay?: LoopDelay
  /**
   * The machine during the step, in percent of one core: this benchmark's own process (the 1,000 clients and the ledger), and every process together;
   * and how late this process's event loop ran (ms), since every latency is stamped by it (absent from results written before it was measured).
   */
  machine: { loadPercent: number; busyPercent: number; loadLoopDelay?: LoopDelay }
  verdict: Verdict
}

export interface GcPauses {
  perSecond: number
  /** Time in pauses per second of wall time, ms. */
  msPerSecond: number
  /** Upper bound of the bucket the 99th percentile pause falls in, ms. */
  p99: number
}

export interface LoadResult {
  live: LiveDelivery
  /** The clients' send order (absent from results written before it could be chosen: round-robin). */
  order?: SendOrder
  /** Node flags the Seqline process ran with (none: node's defaults). */
  nodeFlags?: string[]
  clients: number
  directs: number
  groups: number
  groupSize: number
  natsServer: string
  ceilings: Ceilings
  ws: WsCeiling
  /** The trivial server at each of the steps' rates, same sockets, rooms and frame size (none without steps). */
  wsPaced?: PacedCeiling
  steps: LoadStep[]
  rest: RestRun
  /** Self time by function in the Seqline process during the REST step, when it was profiled. */
  restProfile?: ProfileTop
}

const SETUP_WINDOW = 64
const TOKEN_TTL_SECONDS = 3600
const SETTLE_TIMEOUT_MS = 120_000
const CEILING_SECONDS = 5
const PACED_CEILING_SECONDS = 5
const PROFILE_TOP = 25
/** seqline_command_turn_wait_seconds' first bound: a command within it found its conversation idle. */
const TURN_IDLE_SECONDS = 0.0001

export async function loadBench(dir: string, opts: LoadOptions): Promise<LoadResult> {
  const nats = await startNatsServer({ storeDir: join(dir, 'load-nats') })
  const nc = await connect({ servers: nats.url, noAsyncTraces: true })
  try {
    const raw = await scratchLog(nc, 'loadraw', 8)
    const ceilings = await publishCeilings(nc, raw, opts.ceilingMessages, opts.window)
    await dropLog(nc, raw)
    const ws = await wsCeiling(100, opts.groupSize, CEILING_SECONDS)
    const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
    const profile = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []
    const seqline = await startSeqline(nats.url, join(dir, 'load-data'), secrets, [...opts.nodeFlags, ...profile], opts.cli, opts.live)
    let result: LoadResult
    try {
      result = await measure(nc, seqline, secrets, opts, { ceilings, ws, natsPid: nats.pid, natsGoMaxProcs: nats.goMaxProcs })
    } finally {
      await seqline.stop()
    }
    // With Seqline stopped: the trivial server has the machine the steps had, at their rates and Seqline's frame size.
    if (opts.rates.length > 0)
      result.wsPaced = await wsPacedCeiling(opts.clients, opts.groupSize, opts.rates, PACED_CEILING_SECONDS, Math.round(meanEventFrameBytes()))
    // The profile is written when the process stops.
    if (!opts.profileDir) return result
    return { ...result, restProfile: await profileTop(opts.profileDir, result.rest.window.fromUs, result.rest.window.toUs, PROFILE_TOP) }
  } finally {
    await nc.close()
    await nats.stop()
  }
}

/** Lays out the users and conversations, then runs the paced WebSocket steps and the REST step against the started process. */
async function measure(
  nc: NatsConnection,
  seqline: SeqlineProcess,
  secrets: Secrets,
  opts: LoadOptions,
  same: { ceilings: Ceilings; ws: WsCeiling; natsPid: number; natsGoMaxProcs: string },
): Promise<LoadResult> {
  // The log as the Seqline process laid it out (default names), written to directly for the setup.
  const log = await openJetStreamLog(nc)
  try {
    const t = topology(opts.clients, opts.groupSize, 2)
    const heads = await createConversations(log, t, SETUP_WINDOW)
    await settled(nc, log)
    const tokens = new Tokens(secrets)
    const userTokens = await Promise.all(t.users.map(async (u) => (await tokens.mint(u, TOKEN_TTL_SECONDS)).token))
    const steps = opts.rates.length === 0 ? [] : await paced(seqline, t, heads, userTokens, opts, same.natsPid)
    const groups = t.convs.filter((c) => c.kind === 'group' && c.conv !== t.fanout.conv)
    const rest = await restSend(seqline.url, groups, (u) => userTokens[u]!, {
      connections: opts.restConnections,
      seconds: opts.restSeconds,
      apiPid: seqline.pid,
      natsPid: same.natsPid,
      prefix: 'rest',
    })
    return {
      live: opts.live,
      order: opts.order,
      nodeFlags: opts.nodeFlags,
      clients: opts.clients,
      directs: t.convs.filter((c) => c.kind === 'direct').length,
      groups: groups.length,
      groupSize: opts.groupSize,
      natsServer: `${nc.info?.version ?? '?'} (GOMAXPROCS ${same.natsGoMaxProcs})`,
      ceilings: same.ceilings,
      ws: same.ws,
      steps,
      rest,
    }
  } finally {
    log.close()
  }
}

/** The paced steps over 1,000 connected WebSocket clients, each after an untimed warm-up. */
async function paced(
  seqline: SeqlineProcess,
  t: Topology,
  heads: Map<string, number>,
  userTokens: string[],
  opts: LoadOptions,
  natsPid: number,
): Promise<LoadStep[]> {
  const pool = await connectClients(seqline.url, userTokens, (u) => Object.fromEntries(convsOf(t, u).map((p) => [p.conv, heads.get(p.conv)!])))
  const steps: LoadStep[] = []
  const senders = sendersInOrder(opts.order, userTokens.length)
  try {
    for (const [i, rate] of opts.rates.entries()) {
      // Untimed but checked: JIT and the handler loading each conversation's state say nothing of the steady state.
      await sustainedLoad(pool, t, rate, opts.warmupSeconds, `lw${i}_`, senders)
      steps.push(await step(pool, t, rate, opts.seconds, `ls${i}_`, seqline, natsPid, senders))
    }
  } finally {
    pool.close()
  }
  return steps
}

/** One timed step at `rate`: the paced load, its latencies, and what it cost the Seqline process and nats-server. */
async function step(
  pool: ClientPool,
  t: Topology,
  rate: number,
  seconds: number,
  prefix: string,
  seqline: SeqlineProcess,
  natsPid: number,
  senders: readonly number[],
): Promise<LoadStep> {
  const apiPid = seqline.pid
  const before = await scrapeServer(seqline.url)
  const busyBefore = await machineBusySeconds()
  const apiBefore = await cpuSecondsOf(apiPid)
  const mainBefore = await mainThreadCpuSecondsOf(apiPid)
  const natsBefore = await cpuSecondsOf(natsPid)
  const writesBefore = await writeSyscallsOf(apiPid)
  const usage = sampleUsage()
  const run = await sustainedLoad(pool, t, rate, seconds, prefix, senders)
  const load = usage.stop()
  const writes = (await writeSyscallsOf(apiPid)) - writesBefore
  const api = ((await cpuSecondsOf(apiPid)) ?? NaN) - (apiBefore ?? NaN)
  const main = ((await mainThreadCpuSecondsOf(apiPid)) ?? NaN) - (mainBefore ?? NaN)
  const nats = ((await cpuSecondsOf(natsPid)) ?? NaN) - (natsBefore ?? NaN)
  const busy = (await machineBusySeconds()) - busyBefore
  const after = await scrapeServer(seqline.url)
  const hubLag = observedBetween(before?.lag, after?.lag)
  const frameToAck = observedBetween(before?.frameToAck, after?.frameToAck)
  const turns = observedBetween(before?.turnWait, after?.turnWait)
  // Above the first bound: the commands that found another of their conversation in flight.
  const waitedShare = shareAbove(before?.turnWait, after?.turnWait, TURN_IDLE_SECONDS)
  const turnWait = turns && { ...turns, ...(waitedShare === undefined ? {} : { waitedShare }) }
  const l = run.ledger
  const verdict = l.verdict()
  const messages = l.ackMs.length
  const deliveries = verdict.deliveredOnce
  // CPU is read over the step and its drain: the work of every message it sent.
  const wall = run.seconds + run.drainSeconds
  const gc = observedBetween(before?.gcMinor, after?.gcMinor)
  return {
    rate,
    seconds: run.seconds,
    ackedPerSecond: messages / run.seconds,
    deliveriesPerSecond: l.recipientDeliveries / ((l.lastDeliveryAt - l.firstAt) / 1000),
    ack: percentiles(l.ackMs),
    delivery: percentiles(l.deliveryMs),
    deliveries,
    cpu: {
      apiMsPerMessage: (api * 1000) / messages,
      apiUsPerDelivery: (api * 1e6) / deliveries,
      apiPercent: (api / wall) * 100,
      apiMainPercent: (main / wall) * 100,
      natsMsPerMessage: (nats * 1000) / messages,
      natsUsPerDelivery: (nats * 1e6) / deliveries,
      natsPercent: (nats / wall) * 100,
    },
    apiWritesPerMessage: writes / messages,
    ...(hubLag ? { hubLag } : {}),
    ...(frameToAck ? { frameToAck } : {}),
    ...(turnWait ? { turnWait } : {}),
    ...(gc ? { gcMinor: { perSecond: gc.count / wall, msPerSecond: gc.sumMs / wall, p99: gc.p99 } } : {}),
    ...(after?.loop ? { loopDelay: after.loop } : {}),
    machine: { loadPercent: load.cpuPercent, busyPercent: (busy / wall) * 100, loadLoopDelay: { p99: load.loopDelay.p99, max: load.loopDelay.max } },
    verdict,
  }
}

/** Until the Seqline process's views reflect the whole setup (sockets are seeded from them). */
async function settled(nc: Parameters<typeof ConversationViews.open>[0], log: EventLog): Promise<void> {
  // Per partition: `seqline up` commits the projection's partition shares (a build from before them commits it whole, which reach falls back to).
  const views = await ConversationViews.open(nc, undefined, undefined, DEFAULT_NAMES.partitions)
  const deadline = Date.now() + SETTLE_TIMEOUT_MS
  while ((await lagBehind(log, (await views.reach()) ?? {})).events > 0) {
    if (Date.now() > deadline) throw new Error(`the views did not catch up with the setup in ${SETTLE_TIMEOUT_MS} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
