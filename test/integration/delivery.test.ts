import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { until } from '../../core/index.js'
import type { Followed } from '../../core/log/index.js'
import { Deliverer, type DelivererOptions, ParkedStore } from '../../integrations/delivery/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'
import { TestReceiver } from '../helpers/receiver.js'

function waitFor(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<true> {
  return until(async () => ((await condition()) ? true : undefined), { timeoutMs: ms, everyMs: 20, timedOut: () => new Error(`${what}: not by the deadline`) })
}

const everything = (f: Followed) => f.event

describe('the durable deliverer against a real nats-server and real HTTP receivers', () => {
  const t = withLogServer()
  let parked: ParkedStore

  async function deliverer(name: string, receiver: TestReceiver, opts: Partial<DelivererOptions<SeqlineEvent>> = {}) {
    parked ??= await ParkedStore.open(t.nc)
    const d = await Deliverer.open<SeqlineEvent>(t.nc, t.log, { name, url: receiver.url, secret: receiver.secret, select: everything, parked, ...opts })
    await d.start()
    t.defer(async () => {
      await d.stop()
      d.close()
    })
    return d
  }

  async function receiver(secret = 'whsec') {
    const r = await new TestReceiver(secret).start()
    t.defer(() => r.stop())
    return r
  }

  test('delivers what is appended after it starts, batched, signed, in seq order per conversation; the checkpoint reaches the log end', async () => {
    await createGroup(t.handler, 'g_before', 'ann', ['ben'])
    const r = await receiver()
    const d = await deliverer('d-order', r)
    await createGroup(t.handler, 'g_order', 'ann', ['ben'])
    for (let i = 0; i < 60; i++) await accepted(t.handler, text(`m${i}`, 'g_order', i % 2 ? 'ann' : 'ben'))
    await waitFor(() => r.events().length >= 61, 10_000, 'every event of g_order')
    assert.deepEqual(
      r.events().map((e) => `${e.conv}/${e.seq}`),
      Array.from({ length: 61 }, (_, i) => `g_order/${i + 1}`),
      'nothing from before the start, then each event once in seq order',
    )
    assert.ok(
      r.got.every((g) => g.signed),
      'every batch carries a valid signature',
    )
    assert.ok(r.got.length < 61, `batched: ${r.got.length} POSTs for 61 events`)
    await waitFor(async () => (await d.lag()).events === 0, 5_000, 'no lag once delivered')
  })

  test('a failing receiver is retried with backoff until it answers 2xx; the retry keeps the delivery id and nothing is lost', async () => {
    const r = await receiver()
    r.answer = { status: 500 }
    const d = await deliverer('d-retry', r, { retry: { baseMs: 50, maxMs: 200 } })
    await createGroup(t.handler, 'g_retry', 'ann', ['ben'])
    await accepted(t.handler, text('r1', 'g_retry', 'ann'))
    await waitFor(() => d.stats.failures >= 3, 10_000, 'three failed attempts')
    assert.match(d.stats.lastError?.message ?? '', /answered 500/)
    assert.equal((await d.lag()).events > 0, true, 'the checkpoint did not move while failing')
    r.answer = { status: 200 }
    await waitFor(() => r.events().length >= 2, 10_000, 'the batch once the receiver recovers')
    assert.deepEqual(
      r.events().map((e) => e.seq),
      [1, 2],
    )
    // The receiver records a batch before it answers; the deliverer learns of the 2xx just after.
    await waitFor(() => d.stats.lastError === null, 5_000, 'the error cleared on delivery')
    assert.equal(r.got.length, 1)
    assert.ok(r.tried.filter((id) => id === r.got[0]!.delivery).length >= 4, 'the failed attempts and the delivered one share the delivery id')
  })

  test('a batch older than its maximum age is parked, listed with the position to replay it from, and delivery goes on', async () => {
    const r = await receiver()
    r.answer = { status: 503 }
    const d = await deliverer('d-park', r, { retry: { baseMs: 20, maxMs: 50, maxAgeMs: 300 } })
    const start = d.position
    await createGroup(t.handler, 'g_park', 'ann', ['ben'])
    await waitFor(() => d.stats.parked >= 1, 10_000, 'a parked batch')
    const list = await parked.list('d-park')
    assert.equal(list.length, 1)
    assert.deepEqual(list[0]!.from, start, 'replayable from the position before it')
    assert.equal(list[0]!.events, 1)
    assert.match(list[0]!.error, /answered 503/)
    r.answer = { status: 200 }
    await accepted(t.handler, text('after-park', 'g_park', 'ann'))
    await waitFor(() => r.events().some((e) => e.conv === 'g_park' && e.seq === 2), 10_000, 'the next event delivered')
    assert.equal(r.events().length, 1, 'the parked event is not delivered by itself')
  })

  test('a receiver that hangs or fails does not hold up another deliverer', async () => {
    const stuck = await receiver()
    stuck.answer = 'hang'
    const healthy = await receiver()
    await deliverer('d-stuck', stuck, { retry: { timeoutMs: 5_000 } })
    await deliverer('d-healthy', healthy)
    await createGroup(t.handler, 'g_two', 'ann', ['ben'])
    for (let i = 0; i < 5; i++) await accepted(t.handler, text(`t${i}`, 'g_two', 'ann'))
    const started = Date.now()
    await waitFor(() => healthy.events().filter((e) => e.conv === 'g_two').length === 6, 4_000, 'the healthy receiver served')
    assert.ok(Date.now() - started < 4_000)
    assert.equal(stuck.got.length, 0)
  })

  test('a deliverer stopped while its receiver fails leaves the checkpoint before the batch: the next one delivers it', async () => {
    const r = await receiver()
    r.answer = { status: 500 }
    const first = await deliverer('d-undelivered', r, { retry: { baseMs: 50, maxMs: 100 } })
    await createGroup(t.handler, 'g_undelivered', 'ann', ['ben'])
    await waitFor(() => first.stats.failures >= 2, 10_000, 'failed attempts')
    await first.stop()
    first.close()
    r.answer = { status: 200 }
    await deliverer('d-undelivered', r)
    await waitFor(() => r.events().length === 1, 10_000, 'the batch the stopped deliverer could not deliver')
    assert.deepEqual(
      r.events().map((e) => `${e.conv} ${e.seq}`),
      ['g_undelivered 1'],
    )
  })

  test('a restarted deliverer resumes from its checkpoint: what was taken is not sent again, what came meanwhile is', async () => {
    const r = await receiver()
    const first = await deliverer('d-resume', r)
    await createGroup(t.handler, 'g_resume', 'ann', ['ben'])
    await waitFor(() => r.events().length === 1, 5_000, 'the first event')
    await first.stop()
    await accepted(t.handler, text('while-stopped', 'g_resume', 'ann'))
    await deliverer('d-resume', r)
    await waitFor(() => r.events().length === 2, 5_000, 'the event appended while stopped')
    assert.deepEqual(
      r.events().map((e) => e.seq),
      [1, 2],
    )
  })
})
