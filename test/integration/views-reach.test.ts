// The views' reach (what a new WebSocket session waits for before reading its
// conversations) must never pass records not yet in KV. A projector commits a
// batch to the commit log before writing its records, so a reach read from
// the commit alone was ahead of the views while they were written: a user
// invited just then and connecting in that window was seeded without the
// conversation, and got neither its events nor its sync. A projection's first
// batch has no earlier note to stand at: its commit must not count until its
// records are in KV either (the echo-bot test failed on that in CI: its log
// is empty until the group its user connects to, so the group is the
// projection's first batch).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { jetstream } from '@nats-io/jetstream'
import { until } from '../../core/index.js'
import { ConversationViews, conversationsProjection } from '../../projections/conversations/index.js'
import { CommitLog, openProjector, ViewStore } from '../../projections/runtime/index.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

const DEADLINE_MS = 10_000

/** Makes the store's next KV writes wait for `release`; `started` resolves once a write waits. */
function holdWrites(store: ViewStore): { started: Promise<void>; release: () => void } {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let writing!: () => void
  const started = new Promise<void>((resolve) => (writing = resolve))
  const write = store.write.bind(store)
  store.write = async (records) => {
    writing()
    await gate
    return write(records)
  }
  return { started, release }
}

/** Waits until the views' reach in `partition` is `seq`. */
function reachOf(views: ConversationViews, partition: number, seq: number | undefined, never: string): Promise<true> {
  return until(async () => ((await views.reach())?.[partition] === seq ? true : undefined), {
    timeoutMs: DEADLINE_MS,
    everyMs: 10,
    timedOut: () => new Error(never),
  })
}

describe("the views' reach", () => {
  const s = withLogServer()
  /** A projection of its own with its views, stopped and closed when the suite ends. */
  const openViews = async (name: string) => {
    const store = await ViewStore.open(s.nc, name)
    const projector = await openProjector(s.log, store, conversationsProjection(s.log, name), { flushIntervalMs: 20 })
    const views = await ConversationViews.open(s.nc, name, name)
    s.defer(() => projector.close())
    s.defer(() => projector.stop())
    return { store, projector, views }
  }

  test('stays at the last batch wholly in KV while the next batch is being written, and reaches it once written', async () => {
    const { store, projector, views } = await openViews('reach_views')
    await createGroup(s.handler, 'g_reach', 'alice', ['bob'])
    await projector.start()
    const first = await s.log.end()
    const partition = s.log.partitionOf('g_reach')
    await reachOf(views, partition, first[partition], 'the first batch never reached the views')
    // The next batch's KV writes wait on a gate: its commit is in the commit log, its records not yet in KV.
    const { started, release } = holdWrites(store)
    s.defer(() => release())
    await accepted(s.handler, text('after', 'g_reach', 'alice'))
    await started
    assert.equal((await views.reach())?.[partition], first[partition], 'the reach passed a batch whose records are not in KV yet')
    release()
    const second = await s.log.end()
    await reachOf(views, partition, second[partition], 'the reach never followed the written batch')
  })

  test("is nothing while a new projection's first batch is being written, and reaches it once written", async () => {
    const { store, projector, views } = await openViews('first_views')
    const { started, release } = holdWrites(store)
    s.defer(() => release())
    await createGroup(s.handler, 'g_first', 'alice', ['bob'])
    await projector.start()
    // The first batch is committed, its records held back from KV: no view holds g_first yet.
    await started
    assert.deepEqual(await views.conversationsOf('bob'), {}, 'the records are held back')
    const partition = s.log.partitionOf('g_first')
    assert.equal((await views.reach())?.[partition], undefined, 'the reach counted a first batch whose records are not in KV yet')
    release()
    const end = await s.log.end()
    await reachOf(views, partition, end[partition], 'the reach never followed the first batch')
    assert.ok('g_first' in (await views.conversationsOf('bob')), 'once reached, the views hold the conversation')
  })

  test("counts an older projector's commit, which no note ever follows, as applied", async () => {
    const name = 'older_views'
    // The commit log's stream, then a commit as projectors before the applied note wrote it: without `notes`.
    const commits = await CommitLog.open(s.nc, name)
    commits.close()
    await jetstream(s.nc).publish(`seqline.view.${name}.commit`, JSON.stringify({ cursor: { 0: 7 }, parts: [] }))
    const views = await ConversationViews.open(s.nc, name, name)
    assert.deepEqual(await views.reach(), { 0: 7 })
  })
})
