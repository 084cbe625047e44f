// Delivery proof under load and faults (OpenIM's method). N simulated users
// start offline, come online after a random delay, go offline and online
// again at random, and send over the WebSocket to their direct peers and their
// groups, each send with its own idempotency id, retried with the same id
// when it fails or times out. Every outcome and every delivery is recorded;
// at the end an independent checker (delivery-checker.ts) compares them with
// the log read straight from JetStream. In chaos mode the two `seqline up`
// processes (one runs the projection, both serve the API) and nats-server are
// SIGKILLed and restarted at random moments. Membership is static.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { connect } from '@nats-io/transport-node'
import { WebSocket } from 'ws'
import { Tokens } from '../../api/auth/index.js'
import { SeqlineError, SeqlineSocket } from '../../client/src/index.js'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider, directConversationId } from '../../core/domain/index.js'
import { DEFAULT_NAMES, type EventLog, openJetStreamLog } from '../../core/log/index.js'
import { mulberry32, pick, type Rng } from '../../ops/bench/shared/random.js'
import { percentiles } from '../../ops/bench/shared/stats.js'
import { freePorts } from '../../ops/servers/free-port.js'
import { type RunningNats, startNatsServer } from '../../ops/servers/index.js'
import { type SeqlineProcess, startSeqline } from '../../ops/servers/seqline-process.js'
import type { LiveDelivery } from '../../schemas/index.js'
import { type CheckResult, checkDelivery, cmdHash, type Received, type SendRecord } from './delivery-checker.js'

export interface ProofOptions {
  clients: number
  /** Sends in total, spread evenly over the clients. */
  messages: number
  seed: number
  /** Groups (default clients / 5) of groupSize members (default 8). */
  groups?: number
  groupSize?: number
  /** Direct peers each client opens a conversation with (default 2; peers of others add to it). */
  directPeers?: number
  /** Offline/online flips per client at least (default 3); clients keep flipping until their sending is done. */
  flips?: number
  /** Sends each client keeps in flight at once (default 1). */
  inflight?: number
  /** Share of sends aimed on purpose at a group the sender is not in, refused with NOT_MEMBER (default 0.02). */
  strayShare?: number
  chaos?: boolean
  /** Kills of each kind in chaos mode (default 2). */
  kills?: number
  partitions?: number
  /** Where the Seqline processes' live events come from (SEQLINE_LIVE_DELIVERY; default log). */
  live?: LiveDelivery
  /** Bound on the whole run's sending phase; sends still unresolved then count as failed. */
  sendDeadlineMs?: number
  /** How long the clients get to converge after the last send. */
  settleMs?: number
  /** Say how far sending has got every this many ms (0: never). */
  progressMs?: number
  say?: (line: string) => void
}

export interface ProofReport {
  seed: number
  clients: number
  conversations: number
  groups: number
  sends: number
  acked: number
  duplicateAcks: number
  refused: number
  failed: number
  retries: number
  events: number
  deliveries: number
  kills: { api: number; projection: number; nats: number }
  flips: number
  reconnects: number
  durationMs: number
  sendPhaseMs: number
  /** From a send's first attempt to its ack, waits while offline included (ms). */
  ackMs: { p50: number; p99: number; p999: number; max: number }
  /** From the attempt that was acked to its ack, on a connected socket: the server's answer time, without the client's offline waits and retries (ms). */
  attemptAckMs: { p50: number; p99: number; p999: number; max: number }
  /** The slowest sends to resolve, with the error code of each failed attempt: where a run stood still. */
  slowest: Array<{ user: string; conv: string; id: string; ms: number; attempts: number; codes: string[] }>
  /** One sample a second of the send phase: seconds since it began, sends resolved and events delivered so far. */
  timeline: Array<{ t: number; resolved: number; delivered: number }>
  /** Each kill, seconds since the send phase began. */
  killLog: Array<{ t: number; kind: 'api' | 'projection' | 'nats' }>
  problems: string[]
}

const between = (rng: Rng, lo: number, hi: number) => lo + rng() * (hi - lo)

/** Error codes after which the same command is tried again with the same id: the outcome is unknown or temporary. */
const TRANSIENT = new Set([
  'TIMEOUT',
  'CLOSED',
  'NETWORK',
  'LOG_UNAVAILABLE',
  'INTERNAL',
  'INTERNAL_ERROR',
  'UNAVAILABLE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'CONTENTION',
  'ABANDONED',
])

/** One `seqline up` on a fixed API port, so clients reconnect to the same address after a restart. */
class SeqlineSlot {
  private current: SeqlineProcess | null = null

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    this.current = await startSeqline(this.env)
  }

  /** What the running process printed (which says whether it took the projection lease). */
  output(): string {
    return this.current?.output() ?? ''
  }

  kill(): Promise<void> {
    return this.current?.kill() ?? Promise.resolve()
  }

  stop(): Promise<void> {
    return this.current?.stop() ?? Promise.resolve()
  }
}

interface Topology {
  users: string[]
  members: Map<string, string[]>
  /** Conversations per user. */
  convsOf: Map<string, string[]>
  groupIds: string[]
}

function plan(o: Required<Pick<ProofOptions, 'clients' | 'groups' | 'groupSize' | 'directPeers'>>, rng: Rng): Topology {
  const users = Array.from({ length: o.clients }, (_, i) => `p${String(i).padStart(4, '0')}`)
  const members = new Map<string, string[]>()
  const groupIds: string[] = []
  for (let g = 0; g < o.groups; g++) {
    const chosen = new Set<string>()
    while (chosen.size < Math.min(o.groupSize, users.length)) chosen.add(pick(rng, users))
    const conv = `g_proof_${g}`
    groupIds.push(conv)
    members.set(conv, [...chosen])
  }
  // Every user gets directPeers peers other than themselves, so no client is left with nothing to send to.
  users.forEach((user, i) => {
    for (let k = 0; k < o.directPeers && users.length > 1; k++) {
      const peer = users[(i + 1 + Math.floor(rng() * (users.length - 1))) % users.length]!
      members.set(directConversationId(user, peer), [user, peer].sort())
    }
  })
  const convsOf = new Map<string, string[]>(users.map((u) => [u, []]))
  for (const [conv, ms] of members) for (const m of ms) convsOf.get(m)!.push(conv)
  return { users, members, convsOf, groupIds }
}

async function createConversations(log: EventLog, t: Topology): Promise<void> {
  const handler = new CommandHandler(log, createDecider())
  const todo = [...t.members]
  const worker = async () => {
    for (let next = todo.shift(); next; next = todo.shift()) {
      const [conv, ms] = next
      const command = conv.startsWith('g_proof_')
        ? { type: 'group.create', id: `create-${conv}`, conv, actor: ms[0], data: { name: conv, members: ms.slice(1) } }
        : { type: 'conversation.create-direct', id: `open-${conv.replaceAll('~', '.')}`, conv, actor: ms[0], data: { peer: ms[1] } }
      const r = await handler.execute(command as Parameters<CommandHandler['execute']>[0])
      if (!r.ok) throw new Error(`setup of ${conv} refused: ${JSON.stringify(r)}`)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
}

/** One simulated user: its sockets (one at a time), what they delivered, and its sends. */
class SimClient {
  live: SeqlineSocket | null = null
  positions: Record<string, number> = {}
  readonly received: Received = new Map()
  readonly sends: SendRecord[] = []
  reconnects = 0
  flips = 0
  duplicateAcks = 0
  delivered = 0
  readonly ackMs: number[] = []
  readonly attemptAckMs: number[] = []
  readonly slow: ProofReport['slowest'] = []
  private wakeups: Array<() => void> = []

  constructor(
    readonly user: string,
    private readonly url: string,
    private readonly token: string,
  ) {}

  online(): void {
    if (this.live) return
    const live = new SeqlineSocket({
      url: this.url,
      token: this.token,
      WebSocket: WebSocket as never,
      have: this.positions,
      backoff: { initialMs: 100, maxMs: 1000 },
      commandTimeoutMs: 4000,
      keepaliveMs: 3000,
    })
    let opened = 0
    live.on('open', () => {
      if (opened++ > 0) this.reconnects++
    })
    live.on('event', (e) => {
      let r = this.received.get(e.conv)
      if (!r) this.received.set(e.conv, (r = { seqs: [], cmds: [] }))
      r.seqs.push(e.seq)
      r.cmds.push(cmdHash(e.cmd))
      this.delivered++
    })
    this.live = live
    for (const w of this.wakeups.splice(0)) w()
  }

  offline(): void {
    const live = this.live
    if (!live) return
    this.live = null
    this.positions = live.positions()
    live.close()
    this.flips++
  }

  /** Resolves once the client is online (at once if it is). */
  whenOnline(): Promise<SeqlineSocket> {
    if (this.live) return Promise.resolve(this.live)
    return new Promise((resolve) => this.wakeups.push(() => resolve(this.live!)))
  }

  /** Sends until acked or refused, retrying with the same id; failed when the deadline passes first. */
  async send(conv: string, id: string, deadline: number, expectRefusal?: string): Promise<void> {
    const record: SendRecord = { user: this.user, conv, id, outcome: 'failed', attempts: 0, ...(expectRefusal ? { expectRefusal } : {}) }
    this.sends.push(record)
    const began = performance.now()
    const codes: string[] = []
    try {
      await this.untilAnswered(record, deadline, codes)
    } finally {
      const ms = performance.now() - began
      if (record.outcome === 'acked') this.ackMs.push(ms)
      if (ms > 4000) this.slow.push({ user: this.user, conv, id, ms: Math.round(ms), attempts: record.attempts, codes: codes.slice(0, 40) })
    }
  }

  /** Attempts the send until it is acked or refused, noting each failed attempt's code. */
  private async untilAnswered(record: SendRecord, deadline: number, codes: string[]): Promise<void> {
    const { conv, id } = record
    while (Date.now() < deadline) {
      const live = await this.whenOnline()
      record.attempts++
      try {
        const began = performance.now()
        const ack = await live.sendCommand({ type: 'message.send', id, conv, data: { content: { type: 'text', text: id } } })
        this.attemptAckMs.push(performance.now() - began)
        record.outcome = 'acked'
        record.seq = ack.seq
        if (ack.duplicate) this.duplicateAcks++
        return
      } catch (err) {
        const code = err instanceof SeqlineError ? err.code : 'EXCEPTION'
        record.code = code
        codes.push(code)
        if (!TRANSIENT.has(code)) {
          record.outcome = 'refused'
          return
        }
        await sleep(50 + Math.random() * 150)
      }
    }
  }
}

export async function runDeliveryProof(options: ProofOptions): Promise<ProofReport> {
  const started = Date.now()
  const sayRaw = options.say ?? (() => undefined)
  const say = (line: string) => sayRaw(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`)
  const o = {
    groups: Math.max(2, Math.round(options.clients / 5)),
    groupSize: Math.min(8, options.clients),
    directPeers: 2,
    flips: 3,
    inflight: 1,
    strayShare: 0.02,
    chaos: false,
    kills: 2,
    partitions: 4,
    sendDeadlineMs: 10 * 60_000,
    settleMs: 30_000,
    progressMs: 0,
    ...options,
  }
  const rng = mulberry32(o.seed)
  const dir = await mkdtemp(join(tmpdir(), 'seqline-proof-'))
  const cleanups: Array<() => Promise<unknown>> = []
  const sockets: SimClient[] = []
  try {
    const nats: RunningNats = await startNatsServer({ storeDir: join(dir, 'nats'), logFile: join(dir, 'nats-server.log') })
    cleanups.push(() => nats.stop())
    say(`nats-server with GOMAXPROCS ${nats.goMaxProcs}`)
    const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    cleanups.push(() => nc.close())
    const log = await openJetStreamLog(nc, { names: { partitions: o.partitions } })
    cleanups.push(async () => log.close())

    const topology = plan(o, rng)
    await createConversations(log, topology)
    say(
      `setup: ${topology.users.length} users, ${topology.members.size} conversations (${topology.groupIds.length} groups of ${o.groupSize}), ${o.partitions} partitions`,
    )

    const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
    const tokens = new Tokens(secrets)
    const ports = await freePorts(2, '127.0.0.1')
    const processes = ports.map(
      (port, i) =>
        new SeqlineSlot({
          SEQLINE_NATS_URL: nats.url,
          SEQLINE_PARTITIONS: String(o.partitions),
          SEQLINE_API_HOST: '127.0.0.1',
          SEQLINE_API_PORT: String(port),
          SEQLINE_DATA_DIR: join(dir, `seqline-${i}`),
          SEQLINE_SERVICE_TOKEN: secrets.serviceToken,
          SEQLINE_JWT_SECRET: secrets.jwtSecret,
          SEQLINE_RATE_LIMIT_PER_MINUTE: '100000000',
          SEQLINE_LIVE_DELIVERY: o.live ?? 'log',
        }),
    )
    for (const p of processes) cleanups.push(() => p.stop())
    // One after the other: the first takes the projection lease, the second stands by.
    for (const p of processes) await p.start()
    let holder = processes.findIndex((p) => /projection .*run here/.test(p.output()))
    say(`seqline up ×2 on ports ${ports.join(', ')}; projection in seqline-${holder}`)

    const clients: SimClient[] = []
    for (const [i, user] of topology.users.entries()) {
      clients.push(new SimClient(user, `http://127.0.0.1:${ports[i % 2]}`, (await tokens.mint(user, 24 * 3600)).token))
    }
    sockets.push(...clients)

    // Sending: each client sends its share, `inflight` sends at a time, while it flips offline and online.
    const sendStart = Date.now()
    const deadline = sendStart + o.sendDeadlineMs
    let resolved = 0
    const total = o.messages
    const quota = (i: number) => Math.floor(total / clients.length) + (i < total % clients.length ? 1 : 0)
    let sendingDone = false
    const runClient = async (c: SimClient, i: number) => {
      const r = mulberry32(o.seed * 7919 + i)
      const mine = topology.convsOf.get(c.user)!
      const strayGroups = topology.groupIds.filter((g) => !topology.members.get(g)!.includes(c.user))
      let clientDone = false
      const flipping = (async () => {
        await sleep(between(r, 0, 1500))
        c.online()
        for (let f = 0; (f < o.flips || !clientDone) && !sendingDone; f++) {
          await sleep(between(r, 300, 2500))
          if (sendingDone) break
          c.offline()
          await sleep(between(r, 100, 1000))
          c.online()
        }
      })()
      let next = 0
      const lane = async () => {
        for (let k = next++; k < quota(i); k = next++) {
          const stray = strayGroups.length > 0 && r() < o.strayShare
          const conv = stray ? pick(r, strayGroups) : pick(r, mine)
          await c.send(conv, `${c.user}-m${k}`, deadline, stray ? 'NOT_MEMBER' : undefined)
          resolved++
        }
      }
      await Promise.all(Array.from({ length: o.inflight }, lane))
      clientDone = true
      await flipping
    }
    const timeline: ProofReport['timeline'] = []
    const sample = () => timeline.push({ t: (Date.now() - sendStart) / 1000, resolved, delivered: clients.reduce((n, c) => n + c.delivered, 0) })
    const sampler = setInterval(sample, 1000)
    const progress =
      o.progressMs > 0
        ? setInterval(() => say(`${resolved} of ${total} sends resolved (${Math.round((resolved * 1000) / (Date.now() - sendStart))}/s)`), o.progressMs)
        : undefined
    const sending = Promise.all(clients.map(runClient)).finally(() => {
      sendingDone = true
      clearInterval(progress)
      clearInterval(sampler)
      sample()
    })

    const kills = { api: 0, projection: 0, nats: 0 }
    const killLog: ProofReport['killLog'] = []
    const logKill = (kind: keyof typeof kills) => {
      kills[kind]++
      killLog.push({ t: (Date.now() - sendStart) / 1000, kind })
    }
    const chaos = o.chaos ? runChaos() : Promise.resolve()
    async function runChaos(): Promise<void> {
      const kinds: Array<keyof typeof kills> = []
      for (let k = 0; k < o.kills; k++) kinds.push('api', 'projection', 'nats')
      for (let i = kinds.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1))
        ;[kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!]
      }
      for (const [n, kind] of kinds.entries()) {
        // Kills spread over the sending phase: the n-th once a matching share of the sends is resolved.
        const at = Math.floor((total * (n + 0.2 + 0.6 * rng())) / (kinds.length + 0.5))
        while (resolved < at && !sendingDone) await sleep(20)
        if (sendingDone) break
        const down = between(rng, 100, 800)
        if (kind === 'nats') {
          say(`chaos: SIGKILL nats-server at ${resolved} resolved sends, restart after ${down.toFixed(0)} ms`)
          await nats.kill()
          logKill('nats')
          await sleep(down)
          await nats.restart()
        } else {
          // 'projection': the process running the projection (it serves the API too); 'api': the other one.
          const victim = kind === 'projection' ? holder : 1 - holder
          say(
            `chaos: SIGKILL seqline-${victim} (${kind === 'projection' ? 'projection + API' : 'API, projection standby'}) at ${resolved} resolved sends, restart after ${down.toFixed(0)} ms`,
          )
          await processes[victim]!.kill()
          logKill(kind)
          if (kind === 'projection') holder = 1 - holder // the standby takes the lease once it expires
          await sleep(down)
          await processes[victim]!.start()
        }
      }
    }
    await Promise.all([sending, chaos])
    const sendPhaseMs = Date.now() - sendStart
    say(`sending done in ${sendPhaseMs} ms; waiting for every client to hold every conversation's head`)

    // Everyone online; wait until every member holds its conversations' heads.
    for (const c of clients) c.online()
    const heads = new Map<string, number>()
    for (const conv of topology.members.keys()) heads.set(conv, (await log.head(conv)).seq)
    const settleBy = Date.now() + o.settleMs
    const behind = () =>
      clients.flatMap((c) =>
        topology.convsOf
          .get(c.user)!
          .filter((conv) => (c.received.get(conv)?.seqs.at(-1) ?? 0) < heads.get(conv)!)
          .map((conv) => `${c.user}:${conv}`),
      )
    let lastReport = Date.now()
    while (behind().length > 0 && Date.now() < settleBy) {
      await sleep(100)
      if (Date.now() - lastReport >= 5000) {
        lastReport = Date.now()
        const b = behind()
        if (b.length > 0)
          say(
            `still ${b.length} (user, conversation) pairs behind the head, e.g. ${b.slice(0, 4).join(' ')}; users on seqline-${[...new Set(b.map((x) => topology.users.indexOf(x.split(':')[0]!) % 2))].join(',')}`,
          )
      }
    }
    const still = behind()
    if (still.length > 0) say(`not converged after ${o.settleMs} ms: ${still.length} (user, conversation) pairs behind, e.g. ${still.slice(0, 5).join(' ')}`)
    for (const c of clients) c.live?.close()
    say(`converged; checking against the log`)

    const sends = clients.flatMap((c) => c.sends)
    const result: CheckResult = await checkDelivery({
      nc,
      streamPrefix: DEFAULT_NAMES.streamPrefix,
      partitions: o.partitions,
      members: topology.members,
      sends,
      received: new Map(clients.map((c) => [c.user, c.received])),
    })
    return {
      seed: o.seed,
      clients: clients.length,
      conversations: topology.members.size,
      groups: topology.groupIds.length,
      sends: sends.length,
      acked: result.acked,
      duplicateAcks: clients.reduce((n, c) => n + c.duplicateAcks, 0),
      refused: result.refused,
      failed: result.failed,
      retries: sends.reduce((n, s) => n + s.attempts - 1, 0),
      events: result.events,
      deliveries: result.deliveries,
      kills,
      flips: clients.reduce((n, c) => n + c.flips, 0),
      reconnects: clients.reduce((n, c) => n + c.reconnects, 0),
      durationMs: Date.now() - started,
      sendPhaseMs,
      ackMs: percentiles(clients.flatMap((c) => c.ackMs)),
      attemptAckMs: percentiles(clients.flatMap((c) => c.attemptAckMs)),
      slowest: clients
        .flatMap((c) => c.slow)
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 8),
      timeline,
      killLog,
      problems: result.problems,
    }
  } finally {
    for (const c of sockets) c.live?.close()
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  }
}

export function describeReport(r: ProofReport): string {
  return [
    `seed ${r.seed}: ${r.clients} clients, ${r.conversations} conversations (${r.groups} groups)`,
    `sends ${r.sends}: acked ${r.acked} (${r.duplicateAcks} answered as duplicates of an earlier attempt), refused ${r.refused}, failed ${r.failed}, retries ${r.retries}`,
    `log ${r.events} events; deliveries checked ${r.deliveries}`,
    `kills: API ${r.kills.api}, projection ${r.kills.projection}, nats-server ${r.kills.nats}; offline/online flips ${r.flips}, socket reconnects ${r.reconnects}`,
    `sending ${(r.sendPhaseMs / 1000).toFixed(1)} s (${Math.round((r.sends * 1000) / r.sendPhaseMs)} sends/s), whole run ${(r.durationMs / 1000).toFixed(1)} s`,
    `send to ack (offline waits included): p50 ${r.ackMs.p50.toFixed(1)} ms, p99 ${r.ackMs.p99.toFixed(1)} ms, p999 ${r.ackMs.p999.toFixed(1)} ms, max ${r.ackMs.max.toFixed(0)} ms`,
    `acked attempt to its ack (connected): p50 ${r.attemptAckMs.p50.toFixed(1)} ms, p99 ${r.attemptAckMs.p99.toFixed(1)} ms, p999 ${r.attemptAckMs.p999.toFixed(1)} ms, max ${r.attemptAckMs.max.toFixed(0)} ms`,
    ...r.slowest.slice(0, 3).map((w) => `slow send ${w.user}/${w.id} to ${w.conv}: ${w.ms} ms, ${w.attempts} attempts (${w.codes.join(' ')})`),
    r.problems.length === 0 ? 'checker: no problem found' : `checker: ${r.problems.length} problem(s):\n  ${r.problems.join('\n  ')}`,
  ].join('\n')
}
