import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { type Cursor, type EventLog, type Followed, follow } from '../../core/log/index.js'
import { accepted, createGroup, range, readAll, seqsAndDuplicates, text, withLogServer } from '../helpers/log.js'
import { waitCaughtUp } from '../helpers/views.js'

const DUPLICATE_WINDOW_MS = 1000

describe('command handling on a real nats-server', () => {
  const t = withLogServer({ duplicateWindowMs: DUPLICATE_WINDOW_MS })

  before(async () => {
    await createGroup(t.handler, 'g_main', 'alice', ['bob', 'carol'])
  })

  test('a retried command id returns the original seq and appends nothing', async () => {
    const first = await t.handler.execute(text('retry-1', 'g_main', 'bob'))
    assert.ok(first.ok && !first.duplicate)
    const head = await t.log.head('g_main')
    // Same process, a fresh process (cold cache), and same id from another actor.
    const again = await t.handler.execute(text('retry-1', 'g_main', 'bob', 'different body, same id'))
    const elsewhere = await new CommandHandler(t.log, createDecider()).execute(text('retry-1', 'g_main', 'bob'))
    assert.deepEqual(again.ok && [again.seq, again.duplicate], [first.seq, true])
    assert.deepEqual(elsewhere.ok && [elsewhere.seq, elsewhere.duplicate], [first.seq, true])
    assert.deepEqual(await t.log.head('g_main'), head)
    const other = await t.handler.execute(text('retry-1', 'g_main', 'carol'))
    assert.ok(other.ok && !other.duplicate && other.seq === first.seq + 1, 'ids are per actor')
  })

  test('a retry from a stale writer is caught by the t.log itself (Nats-Msg-Id)', async () => {
    const stale = new CommandHandler(t.log, createDecider())
    await stale.state('g_main') // caches the head as of now
    const fresh = await t.handler.execute(text('stale-1', 'g_main', 'bob'))
    const head = await t.log.head('g_main')
    const retried = await stale.execute(text('stale-1', 'g_main', 'bob'))
    assert.ok(fresh.ok && retried.ok)
    assert.equal(retried.seq, fresh.seq)
    assert.equal(retried.duplicate, true)
    assert.deepEqual(await t.log.head('g_main'), head)
  })

  test('a retry after the duplicate window is still recognised from the conversation state', async () => {
    const first = await t.handler.execute(text('late-1', 'g_main', 'carol'))
    await sleep(DUPLICATE_WINDOW_MS + 500)
    const head = await t.log.head('g_main')
    const late = await new CommandHandler(t.log, createDecider()).execute(text('late-1', 'g_main', 'carol'))
    assert.ok(first.ok && late.ok)
    assert.deepEqual([late.seq, late.duplicate], [first.seq, true])
    assert.deepEqual(await t.log.head('g_main'), head)
  })

  test('a retry after the duplicate window and after 100 commands by others is still answered with its seq', async () => {
    const first = await t.handler.execute(text('late-2', 'g_main', 'carol'))
    for (let i = 0; i < 100; i++) await accepted(t.handler, text(`others-${i}`, 'g_main', i % 2 ? 'alice' : 'bob'))
    await sleep(DUPLICATE_WINDOW_MS + 500)
    const head = await t.log.head('g_main')
    const late = await new CommandHandler(t.log, createDecider()).execute(text('late-2', 'g_main', 'carol'))
    assert.ok(first.ok && late.ok)
    assert.deepEqual([late.seq, late.duplicate], [first.seq, true])
    assert.deepEqual(await t.log.head('g_main'), head, 'nothing appended')
  })

  test('a command abandoned by its caller while it queued is dropped unexecuted; one already running completes', async () => {
    const gone = new AbortController()
    const before = await t.log.head('g_main')
    const running = t.handler.execute(text('abandon-1', 'g_main', 'bob'), gone.signal)
    const queued = t.handler.execute(text('abandon-2', 'g_main', 'bob'), gone.signal)
    gone.abort()
    const [ran, dropped] = await Promise.allSettled([running, queued])
    assert.equal(ran.status, 'fulfilled')
    assert.equal(dropped.status, 'rejected')
    assert.equal((dropped as PromiseRejectedResult).reason.name, 'AbandonedError')
    const stored = await t.log.read('g_main', { from: before.seq + 1, limit: 10 })
    assert.deepEqual(
      stored.map((e) => e.event.cmd),
      ['abandon-1'],
    )
    const retried = await t.handler.execute(text('abandon-2', 'g_main', 'bob'))
    assert.ok(retried.ok && !retried.duplicate && retried.seq === before.seq + 2, 'the retry is executed once')
  })

  test('malformed commands are refused naming the field, and nothing is appended', async () => {
    const head = await t.log.head('g_main')
    const cases: Array<[unknown, string]> = [
      [{ ...text('bad-1', 'g_main', 'bob'), data: { content: { type: 'text', text: 42 } } }, '/data/content/text'],
      [{ ...text('bad-2', 'g_main', 'bob'), extra: true }, '/extra'],
      [{ ...text('bad-3', 'g_main', 'bob'), data: { content: { type: 'text', text: 'x'.repeat(10_001) } } }, '/data/content/text'],
      [text('bad-4', 'g_main', 'bob.smith'), '/actor'],
      [text('bad-5', 'g_main.>', 'bob'), '/conv'],
      [text('bad id', 'g_main', 'bob'), '/id'],
      [{ ...text('bad-6', 'g_main', 'bob'), type: 'message.shout' }, '/type'],
      [{ ...text('bad-7', 'g_main', 'bob'), data: { content: { type: 'video', url: 'x' } } }, '/data/content'],
      ['not even an object', ''],
    ]
    for (const [input, field] of cases) {
      const r = await t.handler.execute(input)
      assert.equal(r.ok, false, JSON.stringify(input).slice(0, 80))
      assert.ok(!r.ok && r.reason === 'invalid')
      assert.ok(
        !r.ok && r.reason === 'invalid' && r.errors.some((e) => e.field.startsWith(field)),
        `${field} in ${JSON.stringify(!r.ok && r.reason === 'invalid' && r.errors)}`,
      )
    }
    assert.deepEqual(await t.log.head('g_main'), head)
  })

  test('a refused command appends nothing and says which rule', async () => {
    const head = await t.log.head('g_main')
    const r = await t.handler.execute(text('stranger-1', 'g_main', 'mallory'))
    assert.ok(!r.ok && r.reason === 'refused' && r.refusal.code === 'NOT_MEMBER')
    assert.deepEqual(await t.log.head('g_main'), head)
  })

  test('edit and recall load their target message from the t.log', async () => {
    const sent = await t.handler.execute(text('to-edit', 'g_main', 'bob'))
    assert.ok(sent.ok)
    const target = sent.seq
    const byOther = await new CommandHandler(t.log, createDecider()).execute({
      type: 'message.edit',
      id: 'e-carol',
      conv: 'g_main',
      actor: 'carol',
      data: { target, content: { type: 'text', text: 'hijack' } },
    })
    assert.ok(!byOther.ok && byOther.reason === 'refused' && byOther.refusal.code === 'NOT_AUTHOR')
    const edited = await new CommandHandler(t.log, createDecider()).execute({
      type: 'message.edit',
      id: 'e-bob',
      conv: 'g_main',
      actor: 'bob',
      data: { target, content: { type: 'text', text: 'fixed' } },
    })
    assert.ok(edited.ok && edited.event?.type === 'message.edited')
    const recalled = await t.handler.execute({ type: 'message.recall', id: 'r-bob', conv: 'g_main', actor: 'bob', data: { target } })
    assert.ok(recalled.ok)
    const editGone = await t.handler.execute({
      type: 'message.edit',
      id: 'e-bob-2',
      conv: 'g_main',
      actor: 'bob',
      data: { target, content: { type: 'text', text: 'again' } },
    })
    assert.ok(!editGone.ok && editGone.reason === 'refused' && editGone.refusal.code === 'TARGET_GONE')
    const notAMessage = await t.handler.execute({ type: 'message.recall', id: 'r-1', conv: 'g_main', actor: 'alice', data: { target: 1 } })
    assert.ok(!notAMessage.ok && notAMessage.reason === 'refused' && notAMessage.refusal.code === 'TARGET_NOT_FOUND')
  })

  test('two writers in one process on the same conversations keep seq dense', async () => {
    const writers = [new CommandHandler(t.log, createDecider()), new CommandHandler(t.log, createDecider())]
    const convs = ['g_race1', 'g_race2', 'g_race3']
    for (const c of convs) await createGroup(t.handler, c, 'alice', ['bob'])
    await Promise.all(
      writers.flatMap((w, wi) =>
        convs.map(async (c) => {
          for (let i = 0; i < 60; i++) {
            const r = await w.execute(text(`w${wi}-${i}`, c, wi ? 'bob' : 'alice'))
            assert.ok(r.ok)
          }
        }),
      ),
    )
    for (const c of convs) {
      const { seqs, duplicates } = seqsAndDuplicates(await readAll(t.log, c))
      assert.deepEqual(seqs, range(1, 121))
      assert.deepEqual(duplicates, [])
    }
  })

  test('follow delivers every event in seq order per conversation and resumes from its cursor', async () => {
    await createGroup(t.handler, 'g_follow', 'alice', ['bob'])
    const firstPass = await collect(t.log, {}, 'g_follow')
    assert.deepEqual(
      firstPass.events.map((f) => f.event.seq),
      [1],
    )
    for (let i = 0; i < 20; i++) await accepted(t.handler, text(`f${i}`, 'g_follow', 'bob'))
    const secondPass = await collect(t.log, firstPass.cursor, 'g_follow')
    assert.deepEqual(
      secondPass.events.map((f) => f.event.seq),
      range(2, 21),
    )
    const all = await collect(t.log, {}, 'g_follow')
    assert.deepEqual(
      all.events.map((f) => f.event.seq),
      range(1, 21),
    )
  })
})

/** Follows from `from` until it has reached the end of the log as it stands, then returns the events of `conv` and the cursor. */
async function collect(log: EventLog, from: Cursor, conv: string) {
  const events: Followed[] = []
  const follower = await follow(log, from, (f) => {
    if (f.event.conv === conv) events.push(f)
  })
  // Everything stored is delivered by then, so a missing event and an extra one both show.
  await waitCaughtUp(log, () => follower.cursor, 5000)
  await follower.stop()
  return { events, cursor: { ...follower.cursor } }
}
