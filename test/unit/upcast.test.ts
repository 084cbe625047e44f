import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Upcaster, upcast } from '../../core/log/index.js'
import { EVENT_VERSION, type EventType, type SeqlineEvent } from '../../schemas/index.js'

const stored = (v: number, data: unknown) =>
  ({ id: 'AAAAAAAAAAAAAAAAAAAAAA', type: 'message.sent', conv: 'g_a', seq: 3, at: 1, actor: 'bob', v, cmd: 'c', data }) as SeqlineEvent

// A message.sent whose v1 text lived in `body` and became content in v2, then gained mentions in v3.
const steps: Partial<Record<EventType, Record<number, Upcaster>>> = {
  'message.sent': {
    1: (d) => ({ content: { type: 'text', text: (d as { body: string }).body } }),
    2: (d) => ({ ...(d as object), mentions: { users: [] } }),
  },
}
const current = { ...EVENT_VERSION, 'message.sent': 3 }

describe('upcasting stored events', () => {
  test('an event at the current version is returned as it is', () => {
    const e = stored(1, { content: { type: 'text', text: 'hi' } })
    assert.equal(upcast(e), e)
  })

  test('an old event is lifted step by step to the current version', () => {
    const lifted = upcast(stored(1, { body: 'hi' }), steps, current)
    assert.equal(lifted.v, 3)
    assert.deepEqual(lifted.data, { content: { type: 'text', text: 'hi' }, mentions: { users: [] } })
  })

  test('a missing step and a version newer than this reader are clear errors', () => {
    assert.throws(() => upcast(stored(1, { body: 'hi' }), {}, current), /no upcaster for message.sent from v1 to v2/)
    assert.throws(() => upcast(stored(4, {}), steps, current), /v4, newer than this Seqline reads \(v3\)/)
  })
})
