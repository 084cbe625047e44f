// The conversations projection run by several writers at once: each partition
// has one writer, but a user's record lists conversations of every partition,
// so it is written from several at the same moment (merged by compare-and-set),
// and the partitions are shared out fairly by leases.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Kvm } from '@nats-io/kv'
import { connect } from '@nats-io/transport-node'
import { until } from '../../core/index.js'
import { partitionOf } from '../../core/log/index.js'
import { ConversationViews, conversationsProjection, openConversationsShares } from '../../projections/conversations/index.js'
import { CommitLog, KvWriter, Lease, mergeRecord, openProjector, ViewStore } from '../../projections/runtime/index.js'
import { accepted, createGroup, TEST_PARTITIONS, text, withLogServer } from '../helpers/log.js'
import { differingKeys, dumpBucket, waitCaughtUp } from '../helpers/views.js'

const CATCH_UP_MS = 30_000
const SHARE_MS = 10_000

describe('projection writers sharing records and partitions, against a real nats-server', () => {
  const t = withLogServer()

  test('two writers merging entries into one record at the same time lose none', async () => {
    const kv = await new Kvm(t.nc).create('merge_race', { history: 1 })
    // Two connections: two processes as far as the server is concerned.
    const other = await connect({ servers: t.nats.url })
    t.defer(() => other.close())
    const kv2 = await new Kvm(other).open('merge_race')
    const writes = (store: KvWriter, writer: string) =>
      Array.from({ length: 60 }, (_, i) => mergeRecord(store, 'u.ann', { convs: { [`${writer}_${i}`]: { since: i, mutedUntil: 0 } } }))
    await Promise.all([...writes(new KvWriter(t.nc, kv, 'merge_race'), 'a'), ...writes(new KvWriter(other, kv2, 'merge_race'), 'b')])
    const record = (await kv.get('u.ann'))!.json<{ convs: Record<string, unknown> }>()
    assert.equal(Object.keys(record.convs).length, 120, 'every entry of both writers is in the record')
  })

  test('a holder that lost its partition to another cannot commit over it: its commit is refused, the new holder stands', async () => {
    const other = await connect({ servers: t.nats.url })
    t.defer(() => other.close())
    const stale = await CommitLog.open(t.nc, 'fenced-p0')
    assert.equal(await stale.last(), null)
    await stale.commit({ cursor: { 0: 1 }, records: [] })
    // The lease passed on: the new holder recovers from the last commit and commits past it.
    const next = await CommitLog.open(other, 'fenced-p0')
    assert.deepEqual((await next.last())?.cursor, { 0: 1 })
    await next.commit({ cursor: { 0: 5 }, records: [] })
    await assert.rejects(stale.commit({ cursor: { 0: 2 }, records: [['v.stale', '{}']] }), /refused or unanswered/)
    assert.deepEqual(await next.lastCursor(), { 0: 5 }, 'the stale batch did not become the checkpoint')
    await next.commit({ cursor: { 0: 6 }, records: [] })
    stale.close()
    next.close()
  })

  test("two partition projectors writing one user's record concurrently: every conversation is in it, as in a replay", { timeout: 90_000 }, async () => {
    // Groups in two different partitions, all of which ann joins while both projectors run.
    const byPartition = new Map<number, string[]>()
    for (let i = 0; byPartition.size < 2 || [...byPartition.values()].some((c) => c.length < 25); i++) {
      const conv = `g_share_${i}`
      const p = partitionOf(conv, TEST_PARTITIONS)
      if (p > 1) continue
      const convs = byPartition.get(p) ?? []
      if (convs.length < 25) byPartition.set(p, [...convs, conv])
    }
    const convs = [...byPartition.values()].flat()
    const runners = await Promise.all(
      [0, 1].map(async (partition) => {
        // Each on its own connection and store, as two processes would be.
        const nc = await connect({ servers: t.nats.url })
        t.defer(() => nc.close())
        const store = await ViewStore.open(nc, 'views_two')
        return openProjector(t.log, store, conversationsProjection(t.log, 'two'), { partition, flushEvery: 5, flushIntervalMs: 5 })
      }),
    )
    for (const r of runners) await r.start()
    await Promise.all(convs.map((conv) => createGroup(t.handler, conv, 'owner', ['ann', 'ben'])))
    const position = () => Object.assign({}, ...runners.map((r) => r.position))
    await waitCaughtUp(t.log, position, CATCH_UP_MS)
    for (const r of runners) {
      await r.stop()
      r.close()
      assert.equal(r.error, null)
    }
    const reference = await openProjector(t.log, await ViewStore.open(t.nc, 'views_one'), conversationsProjection(t.log, 'one'))
    await reference.start()
    await waitCaughtUp(t.log, () => reference.position, CATCH_UP_MS)
    await reference.stop()
    reference.close()

    const [two, one] = await Promise.all([dumpBucket(t.nc, 'views_two'), dumpBucket(t.nc, 'views_one')])
    const ann = two.get('u.ann') as { convs: Record<string, unknown> }
    assert.deepEqual(Object.keys(ann.convs).sort(), [...convs].sort(), "ann's record lists every group of both partitions")
    assert.deepEqual(differingKeys(two, one), [], 'the views of two writers equal those of one')
  })

  test('projector processes share the partitions fairly, and a stopping one gives its partitions back at once', { timeout: 60_000 }, async () => {
    const open = async () => {
      const nc = await connect({ servers: t.nats.url })
      t.defer(() => nc.close())
      return openConversationsShares(nc, t.log, { bucket: 'views_fair', name: 'fair', ttlMs: 1500, flushIntervalMs: 20 })
    }
    const a = await open()
    const b = await open()
    t.defer(() => a.stop())
    t.defer(() => b.stop())
    await a.start()
    assert.equal(a.running.length, TEST_PARTITIONS, 'alone, a process takes every partition')
    await b.start()
    const shares = () => `a ${a.running}, b ${b.running}`
    await until(() => (a.running.length === TEST_PARTITIONS / 2 && b.running.length === TEST_PARTITIONS / 2) || undefined, {
      timeoutMs: SHARE_MS,
      everyMs: 20,
      timedOut: () => new Error(`no fair shares: ${shares()}`),
    })
    assert.deepEqual([...a.running, ...b.running].sort(), [0, 1, 2, 3])
    await a.stop()
    // Well under the lease's time to live: given back, not expired.
    const stoppedAt = Date.now()
    await until(() => b.running.length === TEST_PARTITIONS || undefined, {
      timeoutMs: SHARE_MS,
      everyMs: 20,
      timedOut: () => new Error(`b did not take the partitions a gave back: ${shares()}`),
    })
    assert.ok(Date.now() - stoppedAt < 1500, `taken ${Date.now() - stoppedAt} ms after the stop`)
  })

  test("a whole projection's checkpoint (an older version's) is converted to one per partition, once no older process runs it", {
    timeout: 90_000,
  }, async () => {
    const name = 'converted'
    const convs = Array.from({ length: 8 }, (_, i) => `g_conv_${i}`)
    for (const conv of convs) await createGroup(t.handler, conv, 'owner', ['ann'])
    // The older version: one runner of every partition, one commit.
    const whole = await openProjector(t.log, await ViewStore.open(t.nc, 'views_converted'), conversationsProjection(t.log, name))
    await whole.start()
    await waitCaughtUp(t.log, () => whole.position, CATCH_UP_MS)
    await whole.stop()
    whole.close()
    for (const conv of convs) await accepted(t.handler, text(`after-${conv}`, conv, 'owner'))

    const partitionRunners = () =>
      Promise.all(
        Array.from({ length: TEST_PARTITIONS }, async (_, partition) =>
          openProjector(t.log, await ViewStore.open(t.nc, 'views_converted'), conversationsProjection(t.log, name), { partition, flushIntervalMs: 20 }),
        ),
      )
    // While a process of the older version holds the projection's lease, nothing is converted and no partition starts.
    const older = await Lease.open(t.nc, `projection.${name}`)
    assert.ok(await older.acquire())
    const waiting = (await partitionRunners())[0]!
    await assert.rejects(waiting.start(), /older version runs it whole/)
    waiting.close()
    await older.release()

    const wholeCommits = await CommitLog.open(t.nc, name)
    const wholeAt = (await wholeCommits.lastCursor())!
    wholeCommits.close()
    const runners = await partitionRunners()
    const views = await ConversationViews.open(t.nc, 'views_converted', name, TEST_PARTITIONS)
    const convertedAt = Object.fromEntries(runners.map((_, p) => [p, wholeAt[p] ?? 0]))
    // Each partition resumes where the whole projection stood, not from the first event. The first recovery
    // converts: the views' reach stays there for every partition, those whose runner has not recovered yet too.
    for (const [p, r] of runners.entries()) {
      assert.deepEqual(await r.processor.recover(), { [p]: wholeAt[p] ?? 0 })
      if (p === 0) assert.deepEqual(await views.reach(), convertedAt, "the views' reach moved in the conversion")
    }
    assert.ok(Object.values(wholeAt).some((at) => at > 0))
    for (const r of runners) await r.start()
    await waitCaughtUp(t.log, () => Object.assign({}, ...runners.map((r) => r.position)), CATCH_UP_MS)
    for (const r of runners) {
      await r.stop()
      r.close()
    }
    const commits = await CommitLog.open(t.nc, name)
    assert.equal(await commits.lastCursor(), null, 'the whole checkpoint is gone once converted')
    commits.close()
    const reference = await openProjector(t.log, await ViewStore.open(t.nc, 'views_converted_ref'), conversationsProjection(t.log, 'converted_ref'))
    await reference.start()
    await waitCaughtUp(t.log, () => reference.position, CATCH_UP_MS)
    await reference.stop()
    reference.close()
    const [converted, replayed] = await Promise.all([dumpBucket(t.nc, 'views_converted'), dumpBucket(t.nc, 'views_converted_ref')])
    assert.deepEqual(differingKeys(converted, replayed), [], 'the converted projection went on exactly where the whole one stopped')
  })
})
