import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_POLICY } from '../../core/domain/policy.js'
import { directChat, eventsOf, refusalOf, SYSTEM, T0, team } from './scenario.js'

describe('pins: owner and admins in groups, either side in a direct chat; bounded and ordered', () => {
  test('the pinned list keeps who pinned and when, in pin order; unpin takes one out', () => {
    const c = team()
    const a = c.say('mia', 'a')
    const b = c.say('mia', 'b')
    c.run('adam', 'message.pin', { target: b })
    c.now = T0 + 1000
    c.run('olivia', 'message.pin', { target: a })
    assert.deepEqual(c.state.pins, [
      { seq: b, by: 'adam', at: T0 },
      { seq: a, by: 'olivia', at: T0 + 1000 },
    ])
    assert.deepEqual(c.run('adam', 'message.unpin', { target: b }), [{ type: 'message.unpinned', data: { target: b } }])
    assert.deepEqual(
      c.state.pins.map((p) => p.seq),
      [a],
    )
  })

  test('members of a group may not pin or unpin (FORBIDDEN_ROLE); strangers are NOT_MEMBER', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    assert.equal(refusalOf(c.decide('mia', 'message.pin', { target: seq })), 'FORBIDDEN_ROLE')
    c.run('adam', 'message.pin', { target: seq })
    assert.equal(refusalOf(c.decide('max', 'message.unpin', { target: seq })), 'FORBIDDEN_ROLE')
    assert.equal(refusalOf(c.decide('sam', 'message.pin', { target: seq })), 'NOT_MEMBER')
  })

  test('either side of a direct chat pins and unpins, whoever pinned', () => {
    const c = directChat('adam', 'zoe')
    const seq = c.say('adam', 'x')
    assert.equal(eventsOf(c.decide('zoe', 'message.pin', { target: seq })).length, 1)
    c.run('adam', 'message.pin', { target: seq })
    assert.equal(eventsOf(c.decide('zoe', 'message.unpin', { target: seq })).length, 1)
    assert.equal(refusalOf(c.decide('eve', 'message.pin', { target: seq })), 'NOT_MEMBER')
  })

  test('ALREADY_PINNED, NOT_PINNED, PINS_FULL at the policy bound (10 by default)', () => {
    const c = team({ ...DEFAULT_POLICY, maxPins: 2 })
    const [a, b, d] = [c.say('mia', 'a'), c.say('mia', 'b'), c.say('mia', 'd')]
    c.run('adam', 'message.pin', { target: a })
    assert.equal(refusalOf(c.decide('adam', 'message.pin', { target: a })), 'ALREADY_PINNED')
    c.run('adam', 'message.pin', { target: b })
    assert.equal(refusalOf(c.decide('adam', 'message.pin', { target: d })), 'PINS_FULL')
    c.run('adam', 'message.unpin', { target: a })
    assert.equal(eventsOf(c.decide('adam', 'message.pin', { target: d })).length, 1, 'a place freed is taken again')
    assert.equal(refusalOf(c.decide('adam', 'message.unpin', { target: d })), 'NOT_PINNED')
    assert.equal(DEFAULT_POLICY.maxPins, 10)
  })

  test('only messages: beyond the head or another event is TARGET_NOT_FOUND', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'message.pin', { target: 1 })), 'TARGET_NOT_FOUND')
    assert.equal(refusalOf(c.decide('adam', 'message.pin', { target: 50 })), 'TARGET_NOT_FOUND')
  })

  for (const how of ['recalled', 'burned', 'erased'] as const) {
    test(`a pin of a ${how} message disappears with it; pinning it is TARGET_GONE`, () => {
      const c = how === 'burned' ? directChat('adam', 'zoe') : team()
      if (how === 'burned') c.run('adam', 'burn.configure', { enabled: true })
      const [author, pinner] = how === 'burned' ? ['adam', 'zoe'] : ['mia', 'adam']
      const seq = c.say(author!, 'x')
      const kept = c.say(author!, 'y')
      c.run(pinner!, 'message.pin', { target: seq })
      c.run(pinner!, 'message.pin', { target: kept })
      if (how === 'recalled') c.run(author!, 'message.recall', { target: seq })
      if (how === 'burned') c.run(SYSTEM, 'message.burn', { target: seq })
      if (how === 'erased') c.run(SYSTEM, 'content.erase', { reason: 'user-erasure', user: author!, request: 'r1', targets: [seq] })
      assert.deepEqual(
        c.state.pins.map((p) => p.seq),
        [kept],
      )
      assert.equal(refusalOf(c.decide(pinner!, 'message.pin', { target: seq })), 'TARGET_GONE')
      assert.equal(refusalOf(c.decide(pinner!, 'message.unpin', { target: seq })), 'NOT_PINNED')
    })
  }

  test('a dissolved group takes no pins (DISSOLVED)', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('olivia', 'group.dissolve', {})
    assert.equal(refusalOf(c.decide('olivia', 'message.pin', { target: seq })), 'DISSOLVED')
  })
})
