import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { Tokens } from '../../api/auth/index.js'
import { RestClient, SeqlineError } from '../../client/src/index.js'
import { DEFAULT_NAMES, type EventLog, openJetStreamLog, partitionOf, streamName } from '../../core/log/index.js'
import { type SeqlineProcess, startSeqline } from '../../ops/servers/seqline-process.js'
import { startTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js'
import { startTestCluster, type TestCluster } from '../helpers/cluster.js'
import { range, readAll } from '../helpers/log.js'

const PARTITIONS = 2
/** Conversations per partition stream: those on the stream that loses its leader are the affected ones. */
const CONVS_PER_PARTITION = 4
/** ann sends through the first API process, ben through the second, both into every conversation. */
const SENDERS = [
  { user: 'ann', api: 0 },
  { user: 'ben', api: 1 },
] as const
/**
 * nats-server before 2.9.21 checks Nats-Expected-Last-Subject-Sequence on a
 * replicated stream only before proposing, so two appends racing for the same
 * seq can both be stored (nats-server issue 4320). There ann and ben take turns
 * in each conversation instead of sending at the same time: every send still
 * reaches a process whose view of the conversation is one event behind, so the
 * sequence check refuses it and the handler catches up and retries.
 */
const CONCURRENT_WRITERS_FROM = [2, 9, 21]
const ACKS_BEFORE_KILL = 150
const KEEP_SENDING_AFTER_RESUME_MS = 2000
/** A safety bound only: the election alone takes 4–9 s on nats-server 2.9, and a loaded machine stretches it. */
const RESUME_BOUND_MS = 40_000

interface Ack {
  conv: string
  user: string
  id: string
  seq: number
  duplicate: boolean
  /** When the attempt that got this ack was sent, and when the ack came back. */
  sentAt: number
  at: number
}

describe('two Seqline API processes on a 3-node NATS cluster with R3 streams survive losing a node', () => {
  let cluster: TestCluster
  let dir: string
  const apis: SeqlineProcess[] = []
  let nc: NatsConnection
  let log: EventLog
  /** The cluster's own view of the streams (leaders, replicas), beside the log. */
  let jsm: JetStreamManager
  let tokens: Tokens
  let clickhouse: TestClickHouse

  before(async () => {
    cluster = await startTestCluster(3)
    // A deployment of several processes keeps its history on a ClickHouse server (chDB belongs to one process).
    clickhouse = await startTestClickHouse()
    dir = await mkdtemp(join(tmpdir(), 'seqline-failover-'))
    const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
    tokens = new Tokens(secrets)
    const env = {
      SEQLINE_NATS_URL: cluster.urls.join(','),
      SEQLINE_REPLICAS: '3',
      SEQLINE_PARTITIONS: String(PARTITIONS),
      SEQLINE_API_HOST: '127.0.0.1',
      SEQLINE_API_PORT: '0',
      SEQLINE_DATA_DIR: dir,
      SEQLINE_CLICKHOUSE_URL: clickhouse.url,
      SEQLINE_SERVICE_TOKEN: secrets.serviceToken,
      SEQLINE_JWT_SECRET: secrets.jwtSecret,
      SEQLINE_RATE_LIMIT_PER_MINUTE: '1000000',
    }
    // One after the other: the first lays out the log and the views, the second finds them.
    for (let i = 0; i < 2; i++) apis.push(await startSeqline(env))
    nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    log = await openJetStreamLog(nc, { names: { partitions: PARTITIONS }, replicas: 3 })
    jsm = await jetstreamManager(nc)
  })

  after(async () => {
    await Promise.allSettled(apis.map((a) => a.stop()))
    log?.close()
    await nc?.close()
    await cluster?.cleanup()
    await clickhouse?.cleanup()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('SIGKILL of a stream leader while clients send over HTTP: every ack stored once, seq dense, sending resumes, the node rejoins', {
    timeout: 120_000,
  }, async () => {
    const testStart = Date.now()
    const convs = conversations()
    const clients = await Promise.all(
      SENDERS.map(async (s) => new RestClient({ url: apis[s.api]!.url, token: (await tokens.mint(s.user, 3600)).token, attempts: 1 })),
    )
    for (const conv of convs) await untilAccepted(() => clients[0]!.createGroup({ name: conv, members: ['ben'] }, { conv, id: `create-${conv}` }))

    const acks: Ack[] = []
    const failures = new Map<string, number>()
    const inFlight = new Map<string, number>()
    let stop = false
    /** Sends one message until it is acknowledged, always with the same id: the client's retry after an error or a lost response. */
    const send = async (conv: string, sender: number, i: number) => {
      const { user, api } = SENDERS[sender]!
      const id = `${user}-${i}`
      for (;;) {
        assert.ok(apis[api]!.child.exitCode === null && apis[api]!.child.signalCode === null, `API process ${api} died:\n${apis[api]!.output()}`)
        const sentAt = Date.now()
        inFlight.set(conv, (inFlight.get(conv) ?? 0) + 1)
        try {
          const r = await clients[sender]!.text(conv, `${user} ${i}`, { id })
          acks.push({ conv, user, id, seq: r.seq, duplicate: r.duplicate, sentAt, at: Date.now() })
          return
        } catch (err) {
          const code = err instanceof SeqlineError ? `${err.status ?? ''} ${err.code}`.trim() : String(err)
          failures.set(code, (failures.get(code) ?? 0) + 1)
          await sleep(100)
        } finally {
          inFlight.set(conv, inFlight.get(conv)! - 1)
        }
      }
    }
    const concurrent = versionAtLeast(nc.info?.version ?? '0', CONCURRENT_WRITERS_FROM)
    const senders = concurrent
      ? convs.flatMap((conv) =>
          SENDERS.map(async (_, s) => {
            for (let i = 0; !stop; i++) await send(conv, s, i)
          }),
        )
      : convs.map(async (conv) => {
          for (let i = 0; !stop; i++) await send(conv, i % SENDERS.length, i)
        })
    // Bounded: sends that never get acked fail the test, naming why, instead of hanging it.
    for (const deadline = Date.now() + RESUME_BOUND_MS; acks.length < ACKS_BEFORE_KILL; await sleep(10)) {
      assert.ok(Date.now() < deadline, `${acks.length} of ${ACKS_BEFORE_KILL} sends acked before the kill; failures ${JSON.stringify([...failures])}`)
    }

    const leaders = await Promise.all(range(0, PARTITIONS - 1).map((p) => leaderOf(jsm, p)))
    const victim = leaders[0]!
    const affected = convs.filter((c) => leaders[partitionOf(c, PARTITIONS)] === victim)
    const inFlightAtKill = { all: sum([...inFlight.values()]), affected: sum(affected.map((c) => inFlight.get(c) ?? 0)) }
    const killedAt = Date.now()
    await cluster.nodes[victim]!.kill()

    // Resumed: an ack, on every conversation whose stream lost its leader, of a send attempted after the kill.
    const resumedAt = (conv: string) => acks.find((a) => a.conv === conv && a.sentAt > killedAt)?.at
    while (affected.some((c) => resumedAt(c) === undefined) && Date.now() - killedAt < RESUME_BOUND_MS) await sleep(20)
    await sleep(KEEP_SENDING_AFTER_RESUME_MS)
    stop = true
    await Promise.all(senders)
    const resumeMs = affected.map((c) => (resumedAt(c) ?? Infinity) - killedAt)
    // The part that is not ours: when a surviving node took over each stream the victim led, from its log.
    const lost = leaders.flatMap((l, p) => (l === victim ? [p] : []))
    const electedMs = await Promise.all(lost.map((p) => electedAfter(cluster, victim, p, killedAt)))
    const silenceMs = (list: string[]) =>
      Math.max(
        0,
        ...list.map((c) =>
          longestSilence(
            acks.filter((a) => a.conv === c),
            killedAt,
          ),
        ),
      )
    const others = convs.filter((c) => !affected.includes(c))

    const restartAt = Date.now()
    await cluster.nodes[victim]!.restart()
    for (let p = 0; p < PARTITIONS; p++) await waitRejoined(jsm, p, `n${victim}`)
    const rejoinMs = Date.now() - restartAt

    // Through the log: every conversation dense from 1, each acknowledged send exactly once, nothing else.
    for (const conv of convs) {
      const stored = await readAll(log, conv)
      assert.deepEqual(
        stored.map((s) => s.event.seq),
        range(1, stored.length),
        `${conv}: seq dense from 1`,
      )
      const keys = stored.slice(1).map((s) => `${s.event.actor}/${s.event.cmd}`)
      assert.equal(new Set(keys).size, keys.length, `${conv}: no command stored twice`)
      const mine = acks.filter((a) => a.conv === conv)
      assert.deepEqual([...keys].sort(), mine.map((a) => `${a.user}/${a.id}`).sort(), `${conv}: stored messages are exactly the acknowledged sends`)
      const bySeq = new Map(stored.map((s) => [s.event.seq, `${s.event.actor}/${s.event.cmd}`]))
      for (const a of mine) assert.equal(bySeq.get(a.seq), `${a.user}/${a.id}`, `${conv}: ack ${a.user}/${a.id} names seq ${a.seq}`)
    }
    assert.ok(Math.max(...resumeMs) < RESUME_BOUND_MS, `sending did not resume within ${RESUME_BOUND_MS} ms: ${resumeMs.join(', ')}`)

    const retried = [...failures.entries()].map(([code, n]) => `${n}× ${code}`).join(', ') || 'none'
    console.log(
      `failover on nats-server ${nc.info?.version} (${concurrent ? 'ann and ben send into each conversation at the same time' : 'ann and ben take turns in each conversation'}): n${victim} (leader of ${leaders
        .map((l, p) => (l === victim ? `SEQLINE_LOG_${p}` : null))
        .filter(Boolean)
        .join(', ')}) SIGKILLed ` +
        `with ${inFlightAtKill.all} HTTP sends in flight (${inFlightAtKill.affected} on the ${affected.length} affected conversations); ` +
        `new stream leader elected ${electedMs.join(', ')} ms after the kill (nats-server); ` +
        `sending resumed ${Math.min(...resumeMs)}–${Math.max(...resumeMs)} ms after the kill (first ack of a send attempted after it, per affected conversation; ${Math.max(...resumeMs) - Math.max(...electedMs)} ms after the election); ` +
        `longest silence ${silenceMs(affected)} ms affected, ${silenceMs(others)} ms elsewhere; ` +
        `failed attempts retried with the same id: ${retried}; ${acks.filter((a) => a.duplicate).length} acks were duplicates of a landed attempt; ` +
        `${acks.length} acks, all stored once; rejoined in ${rejoinMs} ms; test ${Date.now() - testStart} ms`,
    )
  })
})

/** Conversation ids, CONVS_PER_PARTITION of them on each partition stream. */
function conversations(): string[] {
  const out: string[] = []
  const count = new Array<number>(PARTITIONS).fill(0)
  for (let i = 0; out.length < PARTITIONS * CONVS_PER_PARTITION; i++) {
    const conv = `g_fo${i}`
    const p = partitionOf(conv, PARTITIONS)
    if (count[p]! < CONVS_PER_PARTITION) {
      count[p]!++
      out.push(conv)
    }
  }
  return out
}

async function untilAccepted<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt()
    } catch (err) {
      if (i >= 100) throw err
      await sleep(200)
    }
  }
}

const partitionStream = (partition: number) => streamName({ ...DEFAULT_NAMES, partitions: PARTITIONS }, partition)

async function leaderOf(jsm: JetStreamManager, partition: number): Promise<number> {
  const info = await jsm.streams.info(partitionStream(partition))
  return Number(info.cluster?.leader?.replace('n', ''))
}

/** The restarted node is back in the stream: its leader, or a replica that has caught up. */
async function waitRejoined(jsm: JetStreamManager, partition: number, node: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const info = await jsm.streams.info(partitionStream(partition)).catch(() => null)
    const peer = info?.cluster?.replicas?.find((r) => r.name === node)
    if (info?.cluster?.leader === node || (peer?.current && !peer.offline)) return
    await sleep(250)
  }
  throw new Error(`${node} did not rejoin SEQLINE_LOG_${partition} within 60 s`)
}

/** When a surviving node logged that it leads the partition stream now, in ms after `from`. */
async function electedAfter(cluster: TestCluster, victim: number, partition: number, from: number): Promise<number> {
  const line = new RegExp(`^\\[\\d+\\] (\\S+ \\S+) \\[INF\\] JetStream cluster new stream leader for '\\$G > SEQLINE_LOG_${partition}'`, 'gm')
  let first = Infinity
  for (let i = 0; i < cluster.logFiles.length; i++) {
    if (i === victim) continue
    for (const m of (await readFile(cluster.logFiles[i]!, 'utf8')).matchAll(line)) {
      // nats-server logs local time with microseconds: 2026/11/23 03:53:52.676648
      const at = new Date(m[1]!.slice(0, 23)).getTime()
      if (at >= from - 5) first = Math.min(first, at)
    }
  }
  return first - from
}

function longestSilence(acks: Ack[], from: number): number {
  const times = [from, ...acks.map((a) => a.at).filter((at) => at > from)].sort((a, b) => a - b)
  let longest = 0
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!)
  return longest
}

function versionAtLeast(version: string, min: number[]): boolean {
  const v = version.split(/[.-]/).map(Number)
  for (let i = 0; i < min.length; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) > min[i]!
  return true
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
