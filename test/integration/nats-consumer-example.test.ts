import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { until } from '../../core/index.js'
import { consumeLog, type LogEvent } from '../../examples/nats-consumer/consumer.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

describe('the NATS consumer example reads the log over NATS with a durable consumer per partition', () => {
  const t = withLogServer()

  test('every event in seq order per conversation, and after a restart only what came meanwhile', async () => {
    const convs = ['g_natsa', 'g_natsb', 'g_natsc']
    for (const conv of convs) await createGroup(t.handler, conv, 'ann', ['ben'])
    for (let i = 0; i < 30; i++) await accepted(t.handler, text(`n${i}`, convs[i % 3]!, 'ann'))
    const got: LogEvent[] = []
    const first = await consumeLog(t.nc, { durable: 'example-test', handle: (e) => void got.push(e) })
    await until(() => (got.length === 33 ? true : undefined), { timeoutMs: 10_000, everyMs: 20, timedOut: () => new Error(`${got.length} of 33`) })
    for (const conv of convs) {
      assert.deepEqual(
        got.filter((e) => e.conv === conv).map((e) => e.seq),
        Array.from({ length: 11 }, (_, i) => i + 1),
      )
    }
    assert.deepEqual(Object.keys(got[1]!).sort(), ['actor', 'at', 'chain', 'cmd', 'conv', 'data', 'id', 'seq', 'type', 'v'], 'the envelope as the API shows it')
    await first.stop()

    await accepted(t.handler, text('while-away', 'g_natsb', 'ben'))
    const after: LogEvent[] = []
    const second = await consumeLog(t.nc, { durable: 'example-test', handle: (e) => void after.push(e) })
    t.defer(() => second.stop())
    await until(() => (after.length >= 1 ? true : undefined), { timeoutMs: 10_000, everyMs: 20, timedOut: () => new Error('nothing after the restart') })
    assert.deepEqual(
      after.map((e) => `${e.conv} ${e.seq}`),
      ['g_natsb 12'],
      'the durable remembered where it got',
    )
  })
})
