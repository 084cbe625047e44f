// The views' reach (what a new WebSocket session waits for before reading its
// conversations) must never pass records not yet in KV. A projector commits a
// batch to the commit log before writing its records, so a reach read from
// the commit alone was ahead of the views while they were written: a user
// invited just then and connecting in that window was seeded without the
// conversation, and got neither its events nor its sync.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { until } from '../../core/index.js'
import { ConversationViews, conversationsProjection } from '../../projections/conversations/index.js'
import { openProjector, ViewStore } from '../../projections/runtime/index.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

const DEADLINE_MS = 10_000

describe("the views' reach", () => {
  const s = withLogServer()

  test('stays at the last batch wholly in KV while the next batch is being written, and reaches it once written', async () => {
    const name = 'reach_views'
    const store = await ViewStore.open(s.nc, name)
    const projector = await openProjector(s.log, store, conversationsProjection(s.log, name), { flushIntervalMs: 20 })
    const views = await ConversationViews.open(s.nc, name, name)
    s.defer(() => projector.close())
    s.defer(() => projector.stop())
    await createGroup(s.handler, 'g_reach', 'alice', ['bob'])
    await projector.start()
    const first = await s.log.end()
    const reachOf = async () => (await views.reach()) ?? {}
    const partition = s.log.partitionOf('g_reach')
    await until(async () => ((await reachOf())[partition] === first[partition] ? true : undefined), {
      timeoutMs: DEADLINE_MS,
      everyMs: 10,
      timedOut: () => new Error('the first batch never reached the views'),
    })
    // The next batch's KV writes wait on a gate: its commit is in the commit log, its records not yet in KV.
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let writing!: () => void
    const writeStarted = new Promise<void>((resolve) => (writing = resolve))
    const write = store.write.bind(store)
    store.write = async (records) => {
      writing()
      await gate
      return write(records)
    }
    s.defer(() => release())
    await accepted(s.handler, text('after', 'g_reach', 'alice'))
    await writeStarted
    assert.equal((await reachOf())[partition], first[partition], 'the reach passed a batch whose records are not in KV yet')
    release()
    const second = await s.log.end()
    await until(async () => ((await reachOf())[partition] === second[partition] ? true : undefined), {
      timeoutMs: DEADLINE_MS,
      everyMs: 10,
      timedOut: () => new Error('the reach never followed the written batch'),
    })
  })
})
