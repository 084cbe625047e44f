import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { until } from '../../core/index.js'
import { DelivererSet, ParkedStore } from '../../integrations/delivery/index.js'
import { Webhooks } from '../../integrations/webhooks/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'
import { TestReceiver } from '../helpers/receiver.js'

function waitFor(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<true> {
  return until(async () => ((await condition()) ? true : undefined), { timeoutMs: ms, everyMs: 25, timedOut: () => new Error(`${what}: not by the deadline`) })
}

const SECRET = 'whsec-0123456789abcdef'

describe('webhooks through the admin API, on a real nats-server, to real HTTP receivers', () => {
  const t = withLogServer()
  let stack: ApiStack
  let webhooks: Webhooks

  const admin = (method: string, path: string, body?: unknown) => call(`${stack.url}${path}`, method, stack.serviceToken, body)

  async function receiver() {
    const r = await new TestReceiver(SECRET).start()
    t.defer(() => r.stop())
    return r
  }

  test('setup', async () => {
    const parked = await ParkedStore.open(t.nc)
    const deliverers = new DelivererSet(t.nc, t.log, parked, { leaseTtlMs: 3_000 })
    webhooks = await Webhooks.open(t.nc, t.log, parked, deliverers)
    await webhooks.start()
    stack = await startApiStack(t, 'wh_views', undefined, { webhooks, deliverers: () => deliverers.views() })
    t.defer(async () => {
      await stack.stop()
      await webhooks.stop()
      await deliverers.stop()
      parked.close()
    })
  })

  test('PUT starts delivery of the chosen event types without a restart; GET shows its state and never the secret', async () => {
    const r = await receiver()
    const put = await admin('PUT', '/v1/admin/webhooks/messages', { url: r.url, events: ['message.sent'], secret: SECRET })
    assert.equal(put.status, 201, JSON.stringify(put.body))
    assert.equal(put.body.secret, undefined)
    await createGroup(t.handler, 'g_wh', 'ann', ['ben'])
    for (let i = 0; i < 5; i++) await accepted(t.handler, text(`w${i}`, 'g_wh', 'ann'))
    await waitFor(() => r.events().length >= 5, 10_000, 'five messages')
    assert.deepEqual(
      r.events().map((e) => `${e.type} ${e.seq}`),
      [2, 3, 4, 5, 6].map((s) => `message.sent ${s}`),
      'only message.sent, in seq order; the group.created was filtered out',
    )
    assert.ok(r.got.every((g) => g.signed && JSON.parse(g.body).webhook === 'messages'))
    const got = await admin('GET', '/v1/admin/webhooks/messages')
    assert.equal(got.status, 200)
    assert.equal(JSON.stringify(got.body).includes(SECRET), false, 'the secret is never returned')
    assert.deepEqual([got.body.url, got.body.events, got.body.lastError, got.body.parked], [r.url, ['message.sent'], null, []])
    await waitFor(async () => (await admin('GET', '/v1/admin/webhooks/messages')).body.lag.events === 0, 5_000, 'lag 0')
    const list = await admin('GET', '/v1/admin/webhooks')
    assert.ok(list.body.webhooks.some((w: { name: string }) => w.name === 'messages'))
    const metrics = await fetch(`${stack.url}/metrics`).then((res) => res.text())
    assert.match(metrics, /seqline_delivery_events_total\{kind="webhook",name="messages"\} 5/)
    assert.match(metrics, /seqline_delivery_lag_events\{kind="webhook",name="messages"\} 0/)
  })

  test('bad input is a 400 naming the field as sent', async () => {
    const bad = [
      [{ url: 'ftp://x', events: ['*'], secret: SECRET }, '/body/url'],
      [{ url: 'http://127.0.0.1:1/', events: ['message.nope'], secret: SECRET }, '/body/events/0'],
      [{ url: 'http://127.0.0.1:1/', events: ['*'], secret: 'short' }, '/body/secret'],
    ] as const
    for (const [body, field] of bad) {
      const res = await admin('PUT', '/v1/admin/webhooks/bad', body)
      assert.equal(res.status, 400)
      assert.equal(res.body.error.code, 'VALIDATION_FAILED')
      assert.ok(
        res.body.error.details.errors.some((e: { field: string }) => e.field === field),
        JSON.stringify(res.body),
      )
    }
    const replay = await admin('POST', '/v1/admin/webhooks/messages/replay', { from: { '99': 1 } })
    assert.deepEqual([replay.status, replay.body.error.details.errors[0].field], [400, '/body/from/99'])
    assert.equal((await admin('GET', '/v1/admin/webhooks/none')).body.error.code, 'WEBHOOK_NOT_FOUND')
  })

  test('replay from a position and from a time delivers again with the same event ids', async () => {
    const r = await receiver()
    assert.equal((await admin('PUT', '/v1/admin/webhooks/replayed', { url: r.url, events: ['*'], secret: SECRET })).status, 201)
    const start = (await admin('GET', '/v1/admin/webhooks/replayed')).body.position
    await createGroup(t.handler, 'g_replay', 'ann', ['ben'])
    await accepted(t.handler, text('before-mark', 'g_replay', 'ann'))
    await waitFor(() => r.events().length === 2, 10_000, 'the first two')
    const mark = new Date().toISOString()
    await accepted(t.handler, text('after-mark', 'g_replay', 'ann'))
    await waitFor(() => r.events().length === 3, 10_000, 'the third')
    const ids = r.events().map((e) => e.id)

    const byTime = await admin('POST', '/v1/admin/webhooks/replayed/replay', { from: mark })
    assert.equal(byTime.status, 202, JSON.stringify(byTime.body))
    await waitFor(() => r.events().length === 4, 10_000, 'the replay from the time')
    assert.equal(r.events()[3]!.id, ids[2], 'only the event from after the time, with its id')

    const byPosition = await admin('POST', '/v1/admin/webhooks/replayed/replay', { from: start })
    assert.equal(byPosition.status, 202)
    await waitFor(() => r.events().length === 7, 10_000, 'the replay from the start position')
    assert.deepEqual(
      r
        .events()
        .slice(4)
        .map((e) => e.id),
      ids,
    )
  })

  test('a batch parked after maxAgeSeconds is listed, and a replay from its position delivers it', async () => {
    const r = await receiver()
    r.answer = { status: 500 }
    await admin('PUT', '/v1/admin/webhooks/parking', { url: r.url, events: ['message.sent'], secret: SECRET, maxAgeSeconds: 1 })
    await createGroup(t.handler, 'g_parking', 'ann', ['ben'])
    const sent = await accepted(t.handler, text('to-park', 'g_parking', 'ann'))
    const state = await until(
      async () => {
        const s = (await admin('GET', '/v1/admin/webhooks/parking')).body
        return s.parked.length > 0 ? s : undefined
      },
      { timeoutMs: 15_000, everyMs: 100, timedOut: () => new Error('nothing parked') },
    )
    assert.match(state.lastError.message, /answered 500/)
    assert.equal(state.parked[0].events, 1)
    r.answer = { status: 200 }
    assert.equal((await admin('POST', '/v1/admin/webhooks/parking/replay', { from: state.parked[0].from })).status, 202)
    await waitFor(() => r.events().some((e) => e.id === sent.event?.id), 10_000, 'the parked message delivered by the replay')
  })

  test('DELETE stops delivery; a 500ing webhook does not hold up another', async () => {
    const failing = await receiver()
    failing.answer = { status: 500 }
    const r = await receiver()
    await admin('PUT', '/v1/admin/webhooks/failing', { url: failing.url, events: ['*'], secret: SECRET })
    await admin('PUT', '/v1/admin/webhooks/deleted', { url: r.url, events: ['*'], secret: SECRET })
    await createGroup(t.handler, 'g_delete', 'ann', ['ben'])
    await waitFor(() => r.events().length === 1, 10_000, 'the first event, while the other webhook fails')
    assert.equal((await admin('DELETE', '/v1/admin/webhooks/deleted')).status, 200)
    assert.equal((await admin('GET', '/v1/admin/webhooks/deleted')).status, 404)
    // Proof the deleted webhook would have had time: the failing one, watched the same way, keeps trying meanwhile.
    const triedBefore = failing.tried.length
    await accepted(t.handler, text('after-delete', 'g_delete', 'ann'))
    await waitFor(() => failing.tried.length >= triedBefore + 2, 10_000, 'two more attempts of the failing webhook')
    await admin('DELETE', '/v1/admin/webhooks/failing')
    assert.equal(r.events().length, 1, 'nothing delivered after DELETE')
  })
})
