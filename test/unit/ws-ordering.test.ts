import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConversationOrder, Ordering } from '../../client/src/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'

const ev = (seq: number, conv = 'g_a') => ({ conv, seq, type: 'message.sent' }) as SeqlineEvent
const seqs = (events: SeqlineEvent[]) => events.map((e) => e.seq)

describe('client delivery order', () => {
  test('duplicates are dropped, whether already delivered or still waiting', () => {
    const order = new ConversationOrder()
    assert.deepEqual(seqs(order.push(ev(1))), [1])
    assert.deepEqual(seqs(order.push(ev(1))), [])
    assert.deepEqual(seqs(order.push(ev(3))), [])
    assert.deepEqual(seqs(order.push(ev(3))), [])
    assert.deepEqual(seqs(order.push(ev(2))), [2, 3])
    assert.equal(order.position, 3)
  })

  test('an event ahead of a gap waits for the gap to be filled by events or erased seqs', () => {
    const order = new ConversationOrder(10)
    assert.deepEqual(seqs(order.push(ev(14))), [])
    assert.equal(order.blocked, true)
    assert.deepEqual(seqs(order.erase([11, 12])), [])
    assert.deepEqual(seqs(order.push(ev(13))), [13, 14])
    assert.equal(order.position, 14)
    assert.equal(order.blocked, false)
    assert.deepEqual(seqs(order.erase([3, 15])), [], 'erasing the next seq only moves the position')
    assert.equal(order.position, 15)
  })

  test('positions start from what the app already held, and gaps are named per conversation', () => {
    const ordering = new Ordering({ g_a: 5 })
    assert.deepEqual(seqs(ordering.push(ev(5))), [])
    assert.deepEqual(seqs(ordering.push(ev(2, 'g_b'))), [])
    assert.deepEqual(ordering.positions(), { g_a: 5, g_b: 0 })
    assert.equal(ordering.gaps(), 'g_b@0')
  })
})
