import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type EventLog, type JetStreamLog, openJetStreamLog, partitionOf } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { accepted, createGroup, range, readAll, TEST_PARTITIONS, text, withLogServer } from '../helpers/log.js'

type StoredEventLike = Awaited<ReturnType<EventLog['read']>>[number]

describe('event log on a real nats-server', () => {
  const t = withLogServer()

  before(async () => {
    // Two conversations written in turns, so one's stream positions are sparse
    // and seq never equals stream seq: range reads must really locate.
    await createGroup(t.handler, 'g_deep', 'alice', ['bob'])
    const noise = samePartitionAs('g_deep')
    await createGroup(t.handler, noise, 'alice', ['bob'])
    for (let i = 0; i < 249; i++) {
      await Promise.all([accepted(t.handler, text(`d${i}`, 'g_deep', 'alice')), accepted(t.handler, text(`n${i}`, noise, 'bob'))])
    }
  })

  test('opening the t.log again is idempotent: same streams, same config', async () => {
    const before = await streamConfigs(t.nc, t.log)
    const again = await openJetStreamLog(t.nc, { names: { partitions: TEST_PARTITIONS } })
    again.close()
    assert.deepEqual(await streamConfigs(t.nc, t.log), before)
    assert.equal(before.length, TEST_PARTITIONS)
  })

  test('a different partition count is refused, naming the count the t.log was laid out with', async () => {
    await assert.rejects(openJetStreamLog(t.nc, { names: { partitions: TEST_PARTITIONS + 2 } }), /laid out with 4 partitions/)
    await assert.rejects(openJetStreamLog(t.nc, { names: { partitions: 2 } }), /laid out with 4 partitions/)
  })

  test('seqs are dense 1..250 in a conversation sharing its stream', async () => {
    const all = await readAll(t.log, 'g_deep')
    assert.deepEqual(
      all.map((e) => e.event.seq),
      range(1, 250),
    )
    assert.ok(
      all.some((e) => e.streamSeq !== e.event.seq),
      'stream positions differ from seqs',
    )
  })

  test('range reads return exactly the requested seqs, forward and backward', async () => {
    const cases: Array<[Parameters<EventLog['read']>[1], number[]]> = [
      [{ from: 1, limit: 100 }, range(1, 100)],
      [{ from: 120, limit: 50 }, range(120, 169)],
      [{ from: 240, limit: 100 }, range(240, 250)],
      [{ from: 250, limit: 1 }, [250]],
      [{ from: 251, limit: 10 }, []],
      [{ from: 250, limit: 10, direction: 'backward' }, range(241, 250)],
      [{ from: 5, limit: 10, direction: 'backward' }, range(1, 5)],
      [{ from: 1000, limit: 3, direction: 'backward' }, range(248, 250)],
    ]
    for (const [query, expected] of cases) {
      const got = await t.log.read('g_deep', query)
      assert.deepEqual(
        got.map((e) => e.event.seq),
        expected,
        JSON.stringify(query),
      )
      assert.ok(got.every((e) => e.event.conv === 'g_deep'))
    }
  })

  test('a range read costs O(log n) lookups wherever it starts', async () => {
    const streamSize = (await t.log.partitionInfo(t.log.partitionOf('g_deep'))).lastStreamSeq
    // Galloping back from the head, then bisecting what is left: at most twice a plain bisection.
    const bound = 2 + 2 * Math.ceil(Math.log2(streamSize))
    for (const from of [1, 125, 240]) {
      const cost = await readCost(t.log, () => t.log.read('g_deep', { from, limit: 10 }))
      // At least the head and one probe: a count of 0 would mean the counter no longer sees the reads.
      assert.ok(cost.directGets >= 2, `from ${from}: ${cost.directGets} direct gets counted`)
      assert.ok(cost.directGets <= bound, `from ${from}: ${cost.directGets} direct gets > ${bound}`)
    }
  })

  test('a short read near the head looks only near the head, where the server has its blocks cached', async () => {
    const streamSize = (await t.log.partitionInfo(t.log.partitionOf('g_deep'))).lastStreamSeq
    let got: StoredEventLike[] = []
    const cost = await readCost(t.log, async () => (got = await t.log.read('g_deep', { from: 247, limit: 4 })))
    assert.deepEqual(
      got.map((e) => e.event.seq),
      [247, 248, 249, 250],
    )
    assert.ok(Number.isFinite(cost.lowestPosition), 'the read asked for stream positions')
    assert.ok(cost.lowestPosition > streamSize - 40, `probed down to position ${cost.lowestPosition} of ${streamSize}`)
    assert.ok(cost.directGets >= 2 && cost.directGets <= 12, `${cost.directGets} direct gets`)
  })

  test('an erased event is gone from range reads and from direct get; the rest stay exact', async () => {
    const [victim] = await t.log.read('g_deep', { from: 130, limit: 1 })
    assert.equal(victim?.event.seq, 130)
    assert.equal(await t.log.erase('g_deep', victim!.streamSeq), true)
    assert.equal(await t.log.atStreamSeq(t.log.partitionOf('g_deep'), victim!.streamSeq), null)
    const got = await t.log.read('g_deep', { from: 125, limit: 10 })
    assert.deepEqual(
      got.map((e) => e.event.seq),
      [125, 126, 127, 128, 129, 131, 132, 133, 134],
    )
    // A short read goes by direct gets instead of a consumer; the hole is the same.
    const short = await t.log.read('g_deep', { from: 128, limit: 4 })
    assert.deepEqual(
      short.map((e) => e.event.seq),
      [128, 129, 131],
    )
  })

  test('head and last name the newest event', async () => {
    const head = await t.log.head('g_deep')
    const last = await t.log.last('g_deep')
    assert.equal(head.seq, 250)
    assert.equal(last?.event.seq, 250)
    assert.equal(last?.streamSeq, head.streamSeq)
    assert.deepEqual(await t.log.head('g_never'), { seq: 0, streamSeq: 0 })
  })

  test('an event that breaks its schema never enters the log', async () => {
    const head = await t.log.head('g_deep')
    const bad = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      type: 'message.sent',
      conv: 'g_deep',
      seq: head.seq + 1,
      at: 1,
      actor: 'alice',
      v: 1,
      cmd: 'bad-event',
      data: { content: { type: 'text', text: '' } },
    } as SeqlineEvent
    await assert.rejects(t.log.append(bad, head, 'g_deep/alice/bad-event'), /\/data\/content\/text/)
    assert.deepEqual(await t.log.head('g_deep'), head)
  })
})

function samePartitionAs(conv: string): string {
  for (let i = 0; ; i++) {
    const other = `g_noise${i}`
    if (partitionOf(other, TEST_PARTITIONS) === partitionOf(conv, TEST_PARTITIONS)) return other
  }
}

/** The partition streams as JetStream has them: their configuration is what opening the log promises. */
async function streamConfigs(nc: NatsConnection, log: EventLog) {
  const jsm = await jetstreamManager(nc)
  const out = []
  for (let p = 0; p < log.partitions; p++) out.push((await jsm.streams.info(log.streamOfPartition(p))).config)
  return out
}

/** What `run` cost in lookups, as the log itself counts them. */
async function readCost(log: JetStreamLog, run: () => Promise<unknown>): Promise<{ directGets: number; lowestPosition: number }> {
  log.readStats.reset()
  await run()
  return { directGets: log.readStats.directGets, lowestPosition: log.readStats.lowestPosition }
}
