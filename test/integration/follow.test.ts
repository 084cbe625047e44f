// The log's followers on a real nats-server: live delivery's (followLive, a
// handler that returns nothing, called in the consumer's callback) and a
// processor's (follow, a handler whose promise is awaited, later events
// queued behind it in order, a bounded queue while it waits). The followers
// of one log share one consumer per partition; one behind reads on its own
// until it reaches it. The cursor moves only once an event's handler has returned or
// its promise resolved; a handler's error stops following and rejects `done`.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { jetstreamManager } from '@nats-io/jetstream'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { until } from '../../core/index.js'
import { type Cursor, type Followed, type Follower, openJetStreamLog } from '../../core/log/index.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

const DEADLINE_MS = 20_000
/** Events one pull of the follower asks for (core/log/follow.ts MAX_MESSAGES). */
const PULL = 1024

const waitFor = <T>(check: () => T | undefined | Promise<T | undefined>, what: string) =>
  until(check, { timeoutMs: DEADLINE_MS, everyMs: 10, timedOut: () => new Error(`${what}: not within ${DEADLINE_MS} ms`) })

describe('following the log', () => {
  const s = withLogServer()
  /** A log object of its own on the same streams (its own shared consumers), closed when the suite ends. */
  const ownLog = async (opts: { followQueueLimit?: number } = {}) => {
    const log = await openJetStreamLog(s.nc, { names: { partitions: s.log.partitions }, ...opts })
    s.defer(() => log.close())
    return log
  }

  test('a live handler gets every event in order, and the cursor follows it', async () => {
    const from = await s.log.end()
    const got: Array<[string, number]> = []
    const follower = await s.log.followLive(from, (f) => void got.push([f.event.conv, f.event.seq]))
    s.defer(() => follower.stop())
    await createGroup(s.handler, 'g_follow_sync', 'alice', ['bob'])
    for (let i = 0; i < 20; i++) await accepted(s.handler, text(`s${i}`, 'g_follow_sync', 'alice'))
    const end = await s.log.end()
    await waitFor(() => reached(follower.cursor, end) || undefined, 'the cursor at the log end')
    assert.deepEqual(
      got.filter(([conv]) => conv === 'g_follow_sync').map(([, seq]) => seq),
      Array.from({ length: 21 }, (_, i) => i + 1),
    )
  })

  test('a handler that returns a promise is awaited: later events wait behind it in order, the cursor moves only when it resolves', async () => {
    // A log object of its own, so the one consumer it adds is the follower's.
    const log = await ownLog()
    const partition = log.partitionOf('g_follow_async')
    const before = await consumerNames(s, log.streamOfPartition(partition))
    const from = await log.end()
    const handled: number[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const follower = await log.follow(from, async (f: Followed) => {
      if (f.event.conv !== 'g_follow_async') return
      // The first event holds the follower until released; everything after it must wait.
      if (f.event.seq === 1) await gate
      handled.push(f.event.seq)
    })
    s.defer(() => follower.stop())
    // Released at the end whatever happens, so a failed assertion cannot leave the follower's stop waiting on the gate.
    s.defer(() => release())
    await createGroup(s.handler, 'g_follow_async', 'alice', ['bob'])
    for (let i = 0; i < 10; i++) await accepted(s.handler, text(`a${i}`, 'g_follow_async', 'alice'))
    const end = await log.end()
    // The events have all reached the follower's consumer, which stands behind the gate: nothing handled, the cursor short of the end.
    await waitFor(async () => ((await deliveredByNew(s, log.streamOfPartition(partition), before))[0] ?? 0) >= 11 || undefined, 'the events delivered')
    assert.deepEqual(handled, [])
    assert.equal(follower.cursor[partition] ?? 0, from[partition] ?? 0, 'the cursor moved onto an event whose handler has not finished')
    release()
    await waitFor(() => reached(follower.cursor, end) || undefined, 'the cursor at the log end')
    assert.deepEqual(
      handled,
      Array.from({ length: 11 }, (_, i) => i + 1),
    )
  })

  for (const kind of ['live', 'awaited'] as const)
    test(`${kind === 'live' ? 'a live' : 'an awaited'} handler's error stops following: done rejects with it and the cursor stays before the failed event`, async () => {
      const from = await s.log.end()
      const seen: number[] = []
      const conv = `g_follow_fail_${kind}`
      const handler = (f: Followed) => {
        if (f.event.conv !== conv) return
        if (f.event.seq === 3) throw new Error('handler failed at seq 3')
        seen.push(f.event.seq)
      }
      const follower: Follower = kind === 'live' ? await s.log.followLive(from, handler) : await s.log.follow(from, async (f) => handler(f))
      // Held from the start: it rejects while the commands are still being appended.
      const ended = follower.done.then(
        () => new Error('done resolved'),
        (err: unknown) => err,
      )
      await createGroup(s.handler, conv, 'alice', ['bob'])
      for (let i = 0; i < 5; i++) await accepted(s.handler, text(`f${i}`, conv, 'alice'))
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('done did not settle')), DEADLINE_MS).unref())
      assert.match(String(await Promise.race([ended, deadline])), /handler failed at seq 3/)
      assert.deepEqual(seen, [1, 2])
      const at = await s.log.head(conv)
      assert.equal(at.seq, 6)
      // The cursor is at or before the event that failed, never past it: resuming there re-delivers it.
      const failedAt = await streamSeqOf(s, conv, 3)
      for (const [p, seq] of Object.entries(follower.cursor)) if (Number(p) === failedAt.partition) assert.ok(seq < failedAt.streamSeq)
    })
  test('the followers of one process share one consumer per partition, each handed every event once, in order', async () => {
    const log = await ownLog()
    const conv = 'g_follow_shared'
    const partition = log.partitionOf(conv)
    const stream = log.streamOfPartition(partition)
    const before = await consumerNames(s, stream)
    const from = await log.end()
    const live: number[] = []
    const awaited: number[][] = [[], []]
    const followers = [
      await log.followLive(from, (f) => void (f.event.conv === conv && live.push(f.event.seq))),
      ...awaited.map((got) =>
        log.follow(from, async (f) => {
          if (f.event.conv === conv) got.push(f.event.seq)
        }),
      ),
    ]
    const started = await Promise.all(followers)
    s.defer(async () => {
      for (const f of started) await f.stop()
    })
    await createGroup(s.handler, conv, 'alice', ['bob'])
    for (let i = 0; i < 30; i++) await accepted(s.handler, text(`sh${i}`, conv, 'alice'))
    const end = await log.end()
    for (const f of started) await waitFor(() => reached(f.cursor, end) || undefined, 'every follower at the log end')
    const all = Array.from({ length: 31 }, (_, i) => i + 1)
    assert.deepEqual(live, all)
    for (const got of awaited) assert.deepEqual(got, all)
    const added = [...(await consumerNames(s, stream))].filter((c) => !before.has(c))
    assert.equal(added.length, 1, `three followers of one process started ${added.length} consumers on the partition`)
  })

  test('a follower starting behind reads on its own until it reaches the shared consumer, then joins it: every event once, in order', async () => {
    const log = await ownLog()
    const conv = 'g_follow_behind'
    const partition = log.partitionOf(conv)
    const stream = log.streamOfPartition(partition)
    const from = await log.end()
    await createGroup(s.handler, conv, 'alice', ['bob'])
    for (let i = 0; i < 50; i++) await accepted(s.handler, text(`b${i}`, conv, 'alice'))
    // A live follower holds the shared consumer at the end; the awaited one starts 51 events behind it.
    const tip = await log.followLive(await log.end(), () => undefined)
    s.defer(() => tip.stop())
    const before = await consumerNames(s, stream)
    const got: number[] = []
    const behind = await log.follow(from, async (f) => {
      if (f.event.conv === conv) got.push(f.event.seq)
    })
    s.defer(() => behind.stop())
    await waitFor(() => (got.length >= 51 ? true : undefined), 'the backlog handled')
    const [ownBefore] = await deliveredByNew(s, stream, before)
    assert.ok(ownBefore !== undefined && ownBefore >= 51, `the backlog came through a consumer of its own (${ownBefore})`)
    // Caught up, it has left its own consumer: events appended now reach it through the shared one.
    for (let i = 0; i < 20; i++) await accepted(s.handler, text(`c${i}`, conv, 'alice'))
    const end = await log.end()
    await waitFor(() => reached(behind.cursor, end) || undefined, 'the cursor at the log end')
    assert.deepEqual(
      got,
      Array.from({ length: 71 }, (_, i) => i + 1),
    )
    assert.deepEqual(await deliveredByNew(s, stream, before), [ownBefore], 'the new events came through its own consumer, not the shared one')
  })

  test('a follower starting at a position the shared consumer has not reached gets only the events after it', async () => {
    const log = await ownLog()
    const conv = 'g_follow_ahead'
    const partition = log.partitionOf(conv)
    const end = await log.end()
    const tip = await log.followLive(end, () => undefined)
    s.defer(() => tip.stop())
    // The group and its first four messages will take the partition's next five positions: the follower starts after them.
    const from = { ...end, [partition]: (end[partition] ?? 0) + 5 }
    const got: number[] = []
    const ahead = await log.follow(from, async (f) => {
      if (f.event.conv === conv) got.push(f.event.seq)
    })
    s.defer(() => ahead.stop())
    await createGroup(s.handler, conv, 'alice', ['bob'])
    for (let i = 0; i < 9; i++) await accepted(s.handler, text(`ah${i}`, conv, 'alice'))
    const after = await log.end()
    assert.equal(after[partition], (end[partition] ?? 0) + 10, 'nothing else was written to the partition meanwhile')
    await waitFor(() => reached(ahead.cursor, after) || undefined, 'the cursor at the log end')
    assert.deepEqual(got, [6, 7, 8, 9, 10])
  })

  test('an awaited handler that waits holds a bounded queue: past it the follower drops it and reads on its own once released, every event once, in order', async () => {
    const queueLimit = 200
    const log = await ownLog({ followQueueLimit: queueLimit })
    const conv = 'g_follow_held'
    await createGroup(s.handler, conv, 'alice', ['bob'])
    const from = await log.end()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const handled: number[] = []
    const partition = log.partitionOf(conv)
    const stream = log.streamOfPartition(partition)
    const before = await consumerNames(s, stream)
    const follower = await log.follow(from, async (f: Followed) => {
      if (f.event.conv !== conv) return
      await gate
      handled.push(f.event.seq)
    })
    s.defer(() => follower.stop())
    s.defer(() => release())
    const appended = 3 * PULL
    for (let i = 0; i < appended; i++) await accepted(s.handler, text(`h${i}`, conv, 'alice'))
    // The shared consumer takes every event while the handler is held; the follower queues no more than the limit, then drops its queue.
    await waitFor(async () => ((await deliveredByNew(s, stream, before))[0] ?? 0) >= appended || undefined, 'the shared consumer at the end')
    assert.deepEqual(handled, [])
    release()
    const end = await log.end()
    await waitFor(() => reached(follower.cursor, end) || undefined, 'the cursor at the log end')
    assert.deepEqual(
      handled,
      Array.from({ length: appended }, (_, i) => i + 2),
    )
    // What it dropped it read again from the log with a consumer of its own, from the event after the one it held.
    const [own = 0, shared = 0] = (await deliveredByNew(s, stream, before)).sort((x, y) => x - y)
    assert.equal(shared, appended)
    assert.ok(own >= appended - 1 - queueLimit, `read on its own: ${own} of ${appended} events`)
  })

  test('a handler that fails while later partitions are still starting fails the start, and nothing of it runs afterwards', async () => {
    const log = await ownLog()
    // An event in the first partition for the follower to fail on as soon as its own consumer reads it.
    const conv = convIn(log, 0, 'g_follow_startfail')
    await createGroup(s.handler, conv, 'alice', ['bob'])
    const from = await log.end()
    from[0] = (from[0] ?? 1) - 1
    let calls = 0
    let failedAt: number | null = null
    const started = log.follow(from, (f) => {
      calls++
      if (f.event.conv === conv) {
        failedAt = calls
        throw new Error('handler failed on the first partition')
      }
    })
    const outcome = await started.then(
      async (follower) =>
        follower.done.then(
          () => new Error('done resolved'),
          (err: unknown) => err,
        ),
      (err: unknown) => err,
    )
    assert.match(String(outcome), /handler failed on the first partition/)
    assert.equal(failedAt, 1)
    // Events in every partition afterwards: no part of the failed follower hands them to its handler.
    const after = Array.from({ length: log.partitions }, (_, p) => convIn(log, p, 'g_follow_startfail_after'))
    for (const c of after) await createGroup(s.handler, c, 'alice', ['bob'])
    const witnessed = new Set<string>()
    const witness = await log.follow(from, (f) => void witnessed.add(f.event.conv))
    s.defer(() => witness.stop())
    await waitFor(() => (after.every((c) => witnessed.has(c)) ? true : undefined), 'a witness saw every partition written')
    assert.equal(calls, 1, 'the failed follower handled events after it failed')
  })

  test('a live follower whose start fails partway stops the partitions it had started: none of them delivers afterwards', async () => {
    // A log of its own whose second partition stream is gone: starting its consumer fails after the first one runs.
    const names = { streamPrefix: 'FOLLOW_PARTIAL', subjectPrefix: 'follow.partial', partitions: 2 }
    const log = await openJetStreamLog(s.nc, { names })
    s.defer(() => log.close())
    const handler = new CommandHandler(log, createDecider())
    const conv = convIn(log, 0)
    await createGroup(handler, conv, 'alice', ['bob'])
    const jsm = await jetstreamManager(s.nc)
    await jsm.streams.delete(log.streamOfPartition(1))
    const stale: number[] = []
    await assert.rejects(log.followLive({}, (f) => void stale.push(f.streamSeq)))
    // A healthy follower of partition 0 as the witness: once it has both later events, a consumer left running would have had the first.
    const witnessed: string[] = []
    const witness = await log.follow({}, (f) => void witnessed.push(f.event.type), [0])
    s.defer(() => witness.stop())
    const before = stale.length
    await accepted(handler, text('p1', conv, 'alice'))
    await accepted(handler, text('p2', conv, 'alice'))
    await waitFor(() => (witnessed.filter((t) => t === 'message.sent').length === 2 ? true : undefined), 'the witness saw both messages')
    assert.equal(stale.length, before, 'a partition of the failed start still delivered')
  })

  test('a shared consumer deleted under its followers comes back by itself: each follower gets every later event once', async () => {
    const names = { streamPrefix: 'FOLLOW_TAPGONE', subjectPrefix: 'follow.tapgone', partitions: 1 }
    const log = await openJetStreamLog(s.nc, { names })
    s.defer(() => log.close())
    const handler = new CommandHandler(log, createDecider())
    const jsm = await jetstreamManager(s.nc)
    const stream = log.streamOfPartition(0)
    const got: number[][] = [[], []]
    const live = await log.followLive(await log.end(), (f) => void got[0]!.push(f.event.seq))
    const awaited = await log.follow(await log.end(), async (f) => void got[1]!.push(f.event.seq))
    s.defer(async () => {
      await live.stop()
      await awaited.stop()
    })
    await createGroup(handler, 'g_tapgone', 'alice', ['bob'])
    await waitFor(() => (got.every((g) => g.length === 1) ? true : undefined), 'both followers got the first event')
    const consumers = (await jsm.consumers.list(stream).next()).map((c) => c.name)
    assert.equal(consumers.length, 1, 'one shared consumer')
    await jsm.consumers.delete(stream, consumers[0]!)
    for (let i = 0; i < 5; i++) await accepted(handler, text(`g${i}`, 'g_tapgone', 'alice'))
    await waitFor(() => (got.every((g) => g.length >= 6) ? true : undefined), 'both followers got the later events')
    for (const g of got) assert.deepEqual(g, [1, 2, 3, 4, 5, 6])
  })
})

function reached(cursor: Cursor, end: Cursor): boolean {
  return Object.entries(end).every(([p, seq]) => (cursor[Number(p)] ?? 0) >= seq)
}

/** Where an event of a conversation sits in its partition stream, by following from the start. */
async function streamSeqOf(s: ReturnType<typeof withLogServer>, conv: string, seq: number): Promise<{ partition: number; streamSeq: number }> {
  let found: { partition: number; streamSeq: number } | undefined
  const follower = await s.log.follow({}, (f) => {
    if (f.event.conv === conv && f.event.seq === seq) found = { partition: f.partition, streamSeq: f.streamSeq }
  })
  try {
    return await waitFor(() => found, `${conv} seq ${seq} in the log`)
  } finally {
    await follower.stop()
  }
}

/** The names of the consumers a partition stream has now. */
async function consumerNames(s: ReturnType<typeof withLogServer>, stream: string): Promise<Set<string>> {
  const jsm = await jetstreamManager(s.nc)
  return new Set((await jsm.consumers.list(stream).next()).map((c) => c.name))
}

/** Events delivered so far by each consumer of a partition stream not among `before`. */
async function deliveredByNew(s: ReturnType<typeof withLogServer>, stream: string, before: Set<string>): Promise<number[]> {
  const jsm = await jetstreamManager(s.nc)
  return (await jsm.consumers.list(stream).next()).filter((c) => !before.has(c.name)).map((c) => c.delivered.consumer_seq)
}

/** A conversation id that falls in the given partition of the log. */
function convIn(log: { partitionOf(conv: string): number }, partition: number, prefix = 'g_follow_partial'): string {
  for (let i = 0; ; i++) if (log.partitionOf(`${prefix}_${i}`) === partition) return `${prefix}_${i}`
}
