import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Membership } from '../../api/ws/membership.js'
import type { SeqlineEvent } from '../../schemas/index.js'

const ev = (seq: number, type: string, data: unknown, conv = 'g_a') => ({ conv, seq, type, data }) as SeqlineEvent

describe('gateway membership of one connection', () => {
  test('joins and removals follow the log; an older event never undoes a newer fact', () => {
    const m = new Membership('kim')
    assert.equal(m.apply(ev(3, 'member.invited', { users: ['kim', 'lee'] })), true)
    assert.equal(m.apply(ev(2, 'member.kicked', { user: 'kim' })), null, 'older than what is known')
    assert.equal(m.isMember('g_a'), true)
    assert.equal(m.apply(ev(9, 'member.kicked', { user: 'kim' })), false)
    assert.equal(m.apply(ev(10, 'member.kicked', { user: 'lee' })), null, 'another user')
    assert.deepEqual([...m.targets()], [['g_a', 9]], 'a former member syncs up to the removal')
    assert.deepEqual([...m.current()], [])
  })

  test('a view read after a live event does not override it', () => {
    const m = new Membership('kim')
    m.apply(ev(7, 'member.joined', { user: 'kim' }))
    m.seed('g_a', false, 5)
    assert.equal(m.isMember('g_a'), true)
    m.seed('g_b', true, 4)
    assert.deepEqual(
      [...m.targets()],
      [
        ['g_a', undefined],
        ['g_b', undefined],
      ],
    )
  })

  test('conversation.created names its members for direct and group conversations', () => {
    const m = new Membership('kim')
    assert.equal(m.apply(ev(1, 'conversation.created', { kind: 'direct', members: ['kim', 'lee'] }, 'd~kim~lee')), true)
    assert.equal(m.apply(ev(1, 'conversation.created', { kind: 'group', name: 'x', joinable: false, members: [{ user: 'kim', role: 'member' }] })), true)
    assert.equal(m.apply(ev(1, 'conversation.created', { kind: 'direct', members: ['a', 'b'] }, 'd~a~b')), null)
  })
})
