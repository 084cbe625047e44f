// Under load the conversations projection gathers events for a while before
// it commits (SEQLINE_VIEWS_COMMIT_MS), so each record is written once for
// many events. A WebSocket session waits for the views to reach the live
// position before its first sync; it asks the projection's runners, over
// NATS, to commit soon instead. Here the projection
// commits every ten minutes unless asked: whatever commits within a test's
// deadline was asked to.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { until } from '../../core/index.js'
import { ConversationViews, conversationsProjection } from '../../projections/conversations/index.js'
import { onCommitAsked, openProjector, type RunnerOptions, ViewStore } from '../../projections/runtime/index.js'
import type { ServerFrame } from '../../schemas/index.js'
import { startApiStack } from '../helpers/api.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const NEVER_MS = 600_000
const DEADLINE_MS = 10_000
/** Long enough that the first batch takes every event waiting in the log; short of the deadline. */
const SOON_MS = 3000

describe('asking the conversations projection to commit', () => {
  const s = withLogServer()

  const openViews = async (name: string, opts: RunnerOptions = { flushIntervalMs: NEVER_MS }) => {
    const store = await ViewStore.open(s.nc, name)
    const projector = await openProjector(s.log, store, conversationsProjection(s.log, name), opts)
    const views = await ConversationViews.open(s.nc, name, name)
    s.defer(() => projector.close())
    s.defer(() => projector.stop())
    await projector.start()
    return { projector, views }
  }

  /** Waits until the projector has applied the log's end (not committed it). */
  const applied = async (projector: Awaited<ReturnType<typeof openViews>>['projector']) => {
    const end = await s.log.end()
    await until(async () => (reaches(projector.position, end) ? true : undefined), {
      timeoutMs: DEADLINE_MS,
      everyMs: 10,
      timedOut: () => new Error(`the projector did not apply the log's end ${JSON.stringify(end)}`),
    })
    return end
  }

  const reaches = (reach: Record<number, number> | null, end: Record<number, number>) =>
    Object.entries(end).every(([p, seq]) => (reach?.[Number(p)] ?? 0) >= seq)

  const committed = (views: ConversationViews, end: Record<number, number>, asked: string) =>
    until(async () => (reaches(await views.reach(), end) ? true : undefined), {
      timeoutMs: DEADLINE_MS,
      everyMs: 10,
      timedOut: () => new Error(`the views did not reach ${JSON.stringify(end)} ${DEADLINE_MS} ms after ${asked}`),
    })

  test('a runner asked to commit soon commits what it applied, long before its interval', async () => {
    const { projector, views } = await openViews('ask_runner')
    await createGroup(s.handler, 'g_ask_runner', 'alice', ['bob'])
    const end = await applied(projector)
    assert.equal(await views.reach(), null, 'committed before its interval without being asked')
    projector.commitSoon()
    await committed(views, end, 'commitSoon()')
  })

  test('a reader asks over NATS: the runner subscribed to its projection commits', async () => {
    const { projector, views } = await openViews('ask_nats')
    const asked = onCommitAsked(s.nc, 'ask_nats', () => projector.commitSoon())
    s.defer(() => asked.unsubscribe())
    await createGroup(s.handler, 'g_ask_nats', 'alice', ['bob'])
    const first = await applied(projector)
    views.askForCommit()
    await committed(views, first, 'the first ask')
    // The next batch waits for its interval again until asked.
    await accepted(s.handler, text('m-ask-nats', 'g_ask_nats', 'alice'))
    const second = await applied(projector)
    assert.notDeepEqual((await views.reach())?.[s.log.partitionOf('g_ask_nats')], second[s.log.partitionOf('g_ask_nats')], 'the next batch committed unasked')
    views.askForCommit()
    await committed(views, second, 'the second ask')
  })

  test('a runner with a busy threshold commits small batches soon, and after a busy one waits for its interval until asked', async () => {
    // Three events before it starts: its first batch holds them all (applied well within SOON_MS) and is busy.
    await createGroup(s.handler, 'g_ask_busy', 'alice', ['bob'])
    await accepted(s.handler, text('m-busy-1', 'g_ask_busy', 'alice'))
    await accepted(s.handler, text('m-busy-2', 'g_ask_busy', 'alice'))
    const { projector, views } = await openViews('ask_busy', { flushIntervalMs: NEVER_MS, soonMs: SOON_MS, busyBatch: 3 })
    // Before any busy batch, a batch commits on soonMs unasked.
    assert.equal(projector.batchWaitMs, SOON_MS)
    const first = await applied(projector)
    await committed(views, first, 'the first batch (not busy before it)')
    // The batch just taken was busy: the next one waits for the interval until asked.
    await accepted(s.handler, text('m-busy-3', 'g_ask_busy', 'alice'))
    const second = await applied(projector)
    assert.equal(projector.batchWaitMs, NEVER_MS, 'a batch after a busy one does not wait for the interval')
    projector.commitSoon()
    assert.equal(projector.batchWaitMs, SOON_MS)
    await committed(views, second, 'commitSoon() after a busy batch')
    // That batch held one event: the next commits on soonMs again, unasked.
    assert.equal(projector.batchWaitMs, SOON_MS, 'a batch after a small one waits for the busy interval')
    await accepted(s.handler, text('m-busy-4', 'g_ask_busy', 'alice'))
    await committed(views, await applied(projector), 'a batch after a small one')
  })

  test('a WebSocket session gets its first sync while the projection commits only when asked', async () => {
    const stack = await startApiStack(s, 'ask_ws', undefined, {}, NEVER_MS)
    s.defer(() => stack.stop())
    // Appended after the API started: the live position is past what the views committed.
    const conv = 'g_ask_ws'
    await createGroup(s.handler, conv, 'alice', ['bob'])
    await accepted(s.handler, text('m-ask-ws', conv, 'alice'))
    const socket = await TestSocket.open(wsUrl(stack, await stack.token('bob')))
    s.defer(() => socket.close())
    await socket.sync()
    const seqs = socket.frames.flatMap((f: ServerFrame) => (f.type === 'event' && f.event.conv === conv ? [f.event.seq] : []))
    assert.deepEqual(seqs, [1, 2])
  })
})
