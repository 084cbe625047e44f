import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventsOf, refusalOf, SYSTEM, T0, team } from './scenario.js'

const hi = { content: { type: 'text' as const, text: 'hi' } }

describe('thread replies', () => {
  test('a reply names its root and the root author; replies go on under the same root', () => {
    const c = team()
    const root = c.say('mia', 'root')
    const [first] = c.run('adam', 'message.send', { ...hi, thread: root })
    assert.deepEqual(first, { type: 'message.sent', data: { ...hi, thread: { root, author: 'mia' } } })
    const [second] = c.run('max', 'message.send', { ...hi, thread: root })
    assert.deepEqual(second?.data, { ...hi, thread: { root, author: 'mia' } })
  })

  test('a reply to a reply is refused with THREAD_NESTED, not re-rooted', () => {
    const c = team()
    const root = c.say('mia', 'root')
    c.run('adam', 'message.send', { ...hi, thread: root })
    assert.equal(refusalOf(c.decide('max', 'message.send', { ...hi, thread: c.state.seq })), 'THREAD_NESTED')
  })

  test('a root that is not a message, or beyond the head, is TARGET_NOT_FOUND', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'message.send', { ...hi, thread: 1 })), 'TARGET_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'message.send', { ...hi, thread: 9 })), 'TARGET_NOT_FOUND')
  })

  test('a recalled root takes no more replies (TARGET_GONE); its thread stays', () => {
    const c = team()
    const root = c.say('mia', 'root')
    c.run('adam', 'message.send', { ...hi, thread: root })
    c.run('mia', 'message.recall', { target: root })
    assert.equal(refusalOf(c.decide('max', 'message.send', { ...hi, thread: root })), 'TARGET_GONE')
  })

  test('the recall, burn and erasure of a reply name its root; of a main-timeline message, none', () => {
    const c = team()
    const root = c.say('mia', 'root')
    c.run('adam', 'message.send', { ...hi, thread: root })
    const reply = c.state.seq
    assert.deepEqual(eventsOf(c.decide('adam', 'message.recall', { target: reply })), [
      { type: 'message.recalled', data: { target: reply, erase: false, thread: root } },
    ])
    assert.deepEqual(eventsOf(c.decide('mia', 'message.recall', { target: root, erase: true })), [
      { type: 'message.recalled', data: { target: root, erase: true } },
    ])
    const erased = eventsOf(
      c.decide(SYSTEM, 'content.erase', { reason: 'retention', days: 1, before: T0 + 1, targets: [root, reply] }, { now: T0 + 2 * 86_400_000 }),
    )
    assert.deepEqual(erased[0]?.data, { reason: 'retention', days: 1, before: T0 + 1, targets: [{ seq: root }, { seq: reply, thread: root }] })
  })
})
