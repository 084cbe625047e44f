import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../core/commands/command-handler.js'
import { EventLog } from '../../core/log/event-log.js'
import { startTestCluster, type TestCluster } from '../helpers/cluster.js'
import { range, readAll, seqsAndDuplicates, text } from '../helpers/log.js'

const PARTITIONS = 2
const CONVS = ['g_fail1', 'g_fail2', 'g_fail3']
const PER_CONV = 200

interface Ack {
  conv: string
  seq: number
  id: string
  at: number
}

describe('a 3-node NATS cluster with R3 streams survives losing a node', () => {
  let cluster: TestCluster
  let nc: NatsConnection
  let log: EventLog

  before(async () => {
    cluster = await startTestCluster(3)
    nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    log = await openWhenReady(nc)
  })

  after(async () => {
    log?.close()
    await nc?.close()
    await cluster?.cleanup()
  })

  test('SIGKILL of the stream leader while clients send: nothing acknowledged lost, no duplicate, no gap; the node rejoins', async () => {
    const handler = new CommandHandler(log)
    for (const conv of CONVS) await retry(() => handler.execute({ type: 'group.create', id: 'create', conv, actor: 'ann', data: { name: conv, members: ['ben'] } }))
    const acks: Ack[] = []
    let retries = 0
    const writers = CONVS.map(async (conv) => {
      for (let i = 0; i < PER_CONV; i++) {
        const id = `m${i}`
        const r = await retry(() => handler.execute(text(id, conv, i % 2 ? 'ann' : 'ben')), () => retries++)
        acks.push({ conv, seq: r.seq, id, at: Date.now() })
      }
    })
    while (acks.length < 150) await sleep(10)
    const victim = await leaderOf(log, CONVS[0]!)
    const killedAt = Date.now()
    const inFlightAtKill = CONVS.length
    await cluster.nodes[victim]!.kill()
    await Promise.all(writers)
    // Measured on the conversation whose stream lost its leader (others may not notice): the longest
    // silence between two of its acks from the kill on, i.e. how long sending stood still.
    const resumeMs = longestSilence(acks.filter((a) => a.conv === CONVS[0]), killedAt)

    await cluster.nodes[victim]!.restart()
    await waitRejoined(log, CONVS[0]!, `n${victim}`)

    for (const conv of CONVS) {
      const stored = await readAll(log, conv)
      const { seqs, duplicates } = seqsAndDuplicates(stored)
      assert.deepEqual(seqs, range(1, PER_CONV + 1), conv)
      assert.deepEqual(duplicates, [], conv)
      const bySeq = new Map(stored.map((s) => [s.event.seq, s.event.cmd]))
      for (const ack of acks.filter((a) => a.conv === conv)) assert.equal(bySeq.get(ack.seq), ack.id, `acked ${conv}#${ack.seq}`)
    }
    // A safety bound only: elections take seconds, and a loaded machine stretches them.
    assert.ok(resumeMs < 60_000, `sending stood still ${resumeMs} ms after the kill`)
    console.log(`failover: leader n${victim} killed with ${inFlightAtKill} commands in flight; sending to the leaderless stream stood still at most ${resumeMs} ms; ${retries} retried attempts; ${acks.length} acks, all stored once`)
  })
})

async function openWhenReady(nc: NatsConnection): Promise<EventLog> {
  // A fresh cluster elects its JetStream meta leader first; until then stream creation fails.
  return retry(() => EventLog.open(nc, { names: { partitions: PARTITIONS }, replicas: 3, publishTimeoutMs: 2000, publishAttempts: 2 }), undefined, 60)
}

/** Runs a command until it is accepted; an unavailable log (timeouts during the election) is retried with the same command id. */
async function retry<T>(attempt: () => Promise<T>, onRetry?: () => void, max = 100): Promise<T extends { ok: boolean } ? Extract<T, { ok: true }> : T> {
  for (let i = 0; ; i++) {
    try {
      const r = await attempt()
      if (r && typeof r === 'object' && 'ok' in r && !(r as { ok: boolean }).ok) throw new Error(`refused: ${JSON.stringify(r)}`)
      return r as never
    } catch (err) {
      if (i >= max || String(err).includes('refused:')) throw err
      onRetry?.()
      await sleep(250)
    }
  }
}

async function leaderOf(log: EventLog, conv: string): Promise<number> {
  const info = await log.jsm.streams.info(log.streamOf(conv))
  return Number(info.cluster?.leader?.replace('n', ''))
}

async function waitRejoined(log: EventLog, conv: string, node: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const info = await log.jsm.streams.info(log.streamOf(conv)).catch(() => null)
    const peer = info?.cluster?.replicas?.find((r) => r.name === node)
    if (info?.cluster?.leader === node || peer?.current) return
    await sleep(250)
  }
  throw new Error(`${node} did not rejoin the stream within 30 s`)
}

function longestSilence(acks: Ack[], from: number): number {
  const times = [from, ...acks.map((a) => a.at).filter((at) => at > from)].sort((a, b) => a - b)
  let longest = 0
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!)
  return longest
}
