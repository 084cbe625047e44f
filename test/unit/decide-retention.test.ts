import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DAY_MS } from '../../core/domain/index.js'
import { directChat, eventsOf, refusalOf, SYSTEM, team } from './scenario.js'

const edit = (text: string) => ({ content: { type: 'text' as const, text } })

describe('retention.configure', () => {
  test("the service sets any conversation's policy; a group's owner sets the group's", () => {
    assert.deepEqual(eventsOf(directChat('adam', 'zoe').decide(SYSTEM, 'retention.configure', { days: 7 })), [
      { type: 'retention.configured', data: { days: 7 } },
    ])
    assert.deepEqual(eventsOf(team().decide('olivia', 'retention.configure', { days: 90 })), [{ type: 'retention.configured', data: { days: 90 } }])
  })

  test('an admin, a member of a direct conversation, or a stranger may not', () => {
    assert.equal(refusalOf(team().decide('adam', 'retention.configure', { days: 1 })), 'FORBIDDEN_ROLE')
    assert.equal(refusalOf(directChat('adam', 'zoe').decide('zoe', 'retention.configure', { days: 1 })), 'FORBIDDEN_ROLE')
    assert.equal(refusalOf(team().decide('sam', 'retention.configure', { days: 1 })), 'NOT_MEMBER')
  })

  test('setting the policy it has writes nothing; null drops it', () => {
    const c = team()
    c.run('olivia', 'retention.configure', { days: 30 })
    assert.deepEqual(eventsOf(c.decide('olivia', 'retention.configure', { days: 30 })), [])
    assert.deepEqual(eventsOf(c.decide(SYSTEM, 'retention.configure', { days: null })), [{ type: 'retention.configured', data: { days: null } }])
  })
})

describe('content.erase', () => {
  test('the tombstone names each message with every edit of it, from the state', () => {
    const c = team()
    const first = c.say('mia', 'one')
    c.run('mia', 'message.edit', { target: first, ...edit('one, edited') })
    const second = c.say('max', 'two')
    c.run('mia', 'message.edit', { target: first, ...edit('one, again') })
    c.now += 2 * DAY_MS
    const erased = c.decide(SYSTEM, 'content.erase', { reason: 'retention', days: 1, before: c.now - DAY_MS, targets: [first, second] })
    assert.deepEqual(eventsOf(erased), [
      {
        type: 'content.erased',
        data: { reason: 'retention', days: 1, before: c.now - DAY_MS, targets: [{ seq: first, edits: [first + 1, first + 3] }, { seq: second }] },
      },
    ])
  })

  test('a cut-off closer to now than the policy, or a message younger than it, is refused', () => {
    const c = team()
    const seq = c.say('mia', 'fresh')
    c.now += DAY_MS
    assert.equal(refusalOf(c.decide(SYSTEM, 'content.erase', { reason: 'retention', days: 1, before: c.now - DAY_MS + 1, targets: [seq] })), 'NOT_ERASABLE')
    assert.equal(refusalOf(c.decide(SYSTEM, 'content.erase', { reason: 'retention', days: 1, before: c.now - 2 * DAY_MS, targets: [seq] })), 'NOT_ERASABLE')
  })

  test("a user erasure takes only that user's messages, and no other event", () => {
    const c = team()
    const mine = c.say('mia', 'mine')
    const theirs = c.say('max', 'theirs')
    const erasure = { reason: 'user-erasure' as const, user: 'mia', request: 'r1' }
    assert.equal(eventsOf(c.decide(SYSTEM, 'content.erase', { ...erasure, targets: [mine] })).length, 1)
    assert.equal(refusalOf(c.decide(SYSTEM, 'content.erase', { ...erasure, targets: [mine, theirs] })), 'NOT_ERASABLE')
    assert.equal(refusalOf(c.decide(SYSTEM, 'content.erase', { ...erasure, targets: [1] })), 'NOT_ERASABLE')
  })

  test('only Seqline erases; a dissolved group is erased like any other; erased messages are neither edited nor burned', () => {
    const c = team()
    const seq = c.say('mia', 'bye')
    const erasure = { reason: 'user-erasure' as const, user: 'mia', request: 'r1', targets: [seq] }
    assert.equal(refusalOf(c.decide('olivia', 'content.erase', erasure)), 'FORBIDDEN_ROLE')
    c.run('olivia', 'group.dissolve', {})
    c.run(SYSTEM, 'content.erase', erasure)
    assert.equal(c.state.gone.get(seq), 'erased')
    assert.deepEqual(eventsOf(c.decide(SYSTEM, 'content.erase', erasure)), [], 'erasing again writes nothing')
    const chat = directChat('adam', 'zoe')
    const said = chat.say('zoe', 'x')
    chat.run(SYSTEM, 'content.erase', { reason: 'user-erasure', user: 'zoe', request: 'r2', targets: [said] })
    assert.equal(refusalOf(chat.decide('zoe', 'message.edit', { target: said, ...edit('y') }, { target: null })), 'TARGET_NOT_FOUND')
    assert.deepEqual(eventsOf(chat.decide(SYSTEM, 'message.burn', { target: said })), [], 'nothing is left to burn')
  })
})
