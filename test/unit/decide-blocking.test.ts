import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { BLOCKABLE_COMMANDS, mustNotBeBlocked } from '../../core/domain/index.js'
import { Conversation, directChat, eventsOf, refusalOf, team } from './scenario.js'

const hi = { content: { type: 'text' as const, text: 'hi' } }

describe('blocking in the decider', () => {
  test('a blocked actor cannot open, send, edit or react in the direct conversation (BLOCKED)', () => {
    assert.equal(refusalOf(new Conversation('d~adam~zoe').decide('adam', 'conversation.create-direct', { peer: 'zoe' }, { blocked: true })), 'BLOCKED')
    const c = directChat('adam', 'zoe')
    const seq = c.say('adam', 'before the block')
    assert.equal(refusalOf(c.decide('adam', 'message.send', hi, { blocked: true })), 'BLOCKED')
    assert.equal(refusalOf(c.decide('adam', 'message.edit', { target: seq, content: hi.content }, { blocked: true })), 'BLOCKED')
    const theirs = c.say('zoe', 'a message to react to')
    assert.equal(refusalOf(c.decide('adam', 'reaction.add', { target: theirs, key: '👍' }, { blocked: true })), 'BLOCKED')
  })

  test('what a block does not stop: reading, recalling one’s own message, and anything unblocked', () => {
    const c = directChat('adam', 'zoe')
    const seq = c.say('adam', 'x')
    eventsOf(c.decide('adam', 'conversation.read', { upTo: seq }, { blocked: true }))
    eventsOf(c.decide('adam', 'message.recall', { target: seq }, { blocked: true }))
    eventsOf(c.decide('adam', 'message.send', hi, { blocked: false }))
  })

  test('groups are never affected', () => {
    eventsOf(team().decide('mia', 'message.send', hi, { blocked: true }))
    assert.equal(mustNotBeBlocked(team().state, { blocked: true }), null)
  })

  test('the guard other deciders call: BLOCKED in a direct conversation only when blocked', () => {
    const direct = directChat('adam', 'zoe').state
    assert.equal(mustNotBeBlocked(direct, { blocked: true })?.code, 'BLOCKED')
    assert.equal(mustNotBeBlocked(direct, {}), null)
    assert.deepEqual([...BLOCKABLE_COMMANDS].sort(), ['conversation.create-direct', 'message.edit', 'message.send', 'reaction.add'])
  })
})
