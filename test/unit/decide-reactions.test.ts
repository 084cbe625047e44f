import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_POLICY } from '../../core/domain/policy.js'
import { validateCommand } from '../../schemas/index.js'
import { directChat, eventsOf, refusalOf, SYSTEM, team } from './scenario.js'

const reactors = (c: ReturnType<typeof team>, seq: number, key: string) => [...(c.state.reactions.get(seq)?.get(key) ?? [])]

describe('reactions: one per (user, key, message), on live messages of members', () => {
  test('a member reacts; the event names the message and the key; the state keeps who reacts with what', () => {
    const c = team()
    const seq = c.say('mia', 'lunch?')
    assert.deepEqual(c.run('max', 'reaction.add', { target: seq, key: '👍' }), [{ type: 'reaction.added', data: { target: seq, key: '👍' } }])
    c.run('adam', 'reaction.add', { target: seq, key: '👍' })
    c.run('adam', 'reaction.add', { target: seq, key: 'tada' })
    assert.deepEqual(reactors(c, seq, '👍'), ['max', 'adam'])
    assert.deepEqual([...c.state.reactions.get(seq)!.keys()], ['👍', 'tada'])
  })

  test('the same user, key and message twice is refused ALREADY_REACTED; another key or another user is not', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('max', 'reaction.add', { target: seq, key: '👍' })
    assert.equal(refusalOf(c.decide('max', 'reaction.add', { target: seq, key: '👍' })), 'ALREADY_REACTED')
    assert.equal(eventsOf(c.decide('max', 'reaction.add', { target: seq, key: '❤️' })).length, 1)
    assert.equal(eventsOf(c.decide('mia', 'reaction.add', { target: seq, key: '👍' })).length, 1)
  })

  test('removing takes back only the actor’s own reaction; removing what is not there is REACTION_NOT_FOUND', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('max', 'reaction.add', { target: seq, key: '👍' })
    assert.equal(refusalOf(c.decide('mia', 'reaction.remove', { target: seq, key: '👍' })), 'REACTION_NOT_FOUND')
    c.run('max', 'reaction.remove', { target: seq, key: '👍' })
    assert.equal(c.state.reactions.has(seq), false, 'the last reaction gone, nothing is kept for the message')
    assert.equal(refusalOf(c.decide('max', 'reaction.remove', { target: seq, key: '👍' })), 'REACTION_NOT_FOUND')
    // Removed, it may be added again.
    assert.equal(eventsOf(c.decide('max', 'reaction.add', { target: seq, key: '👍' })).length, 1)
  })

  test('distinct keys per message are bounded by the policy (REACTION_KEYS_FULL); a key already there still takes reactors', () => {
    const c = team({ ...DEFAULT_POLICY, maxReactionKeys: 2 })
    const seq = c.say('mia', 'x')
    c.run('max', 'reaction.add', { target: seq, key: 'a' })
    c.run('max', 'reaction.add', { target: seq, key: 'b' })
    assert.equal(refusalOf(c.decide('mia', 'reaction.add', { target: seq, key: 'c' })), 'REACTION_KEYS_FULL')
    assert.equal(eventsOf(c.decide('mia', 'reaction.add', { target: seq, key: 'a' })).length, 1)
    // Another message has its own keys.
    assert.equal(eventsOf(c.decide('mia', 'reaction.add', { target: c.say('max', 'y'), key: 'c' })).length, 1)
    assert.equal(DEFAULT_POLICY.maxReactionKeys, 20)
  })

  test('refused on what is no message: beyond the head, a seq holding another event (TARGET_NOT_FOUND)', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'reaction.add', { target: 99, key: 'x' })), 'TARGET_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'reaction.add', { target: 1, key: 'x' })), 'TARGET_NOT_FOUND', 'seq 1 is the creation')
    assert.equal(refusalOf(c.decide('mia', 'reaction.remove', { target: 99, key: 'x' })), 'TARGET_NOT_FOUND')
  })

  for (const how of ['recalled', 'burned', 'erased'] as const) {
    test(`a ${how} message takes its reactions with it; reacting to it is TARGET_GONE`, () => {
      const c = how === 'burned' ? directChat('adam', 'zoe') : team()
      if (how === 'burned') c.run('adam', 'burn.configure', { enabled: true })
      const [author, reactor] = how === 'burned' ? ['adam', 'zoe'] : ['mia', 'max']
      const seq = c.say(author!, 'x')
      const other = c.say(author!, 'y')
      c.run(reactor!, 'reaction.add', { target: seq, key: '👍' })
      c.run(reactor!, 'reaction.add', { target: other, key: '👍' })
      if (how === 'recalled') c.run(author!, 'message.recall', { target: seq })
      if (how === 'burned') c.run(SYSTEM, 'message.burn', { target: seq })
      if (how === 'erased') c.run(SYSTEM, 'content.erase', { reason: 'user-erasure', user: author!, request: 'r1', targets: [seq] })
      assert.equal(c.state.reactions.has(seq), false)
      assert.deepEqual(reactors(c, other, '👍'), [reactor], 'other messages keep theirs')
      assert.equal(refusalOf(c.decide(reactor!, 'reaction.add', { target: seq, key: 'tada' })), 'TARGET_GONE')
      assert.equal(refusalOf(c.decide(reactor!, 'reaction.remove', { target: seq, key: '👍' })), 'TARGET_GONE')
    })
  }

  test('strangers, a dissolved group: NOT_MEMBER, DISSOLVED; a muted member still reacts (a reaction is no post)', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    assert.equal(refusalOf(c.decide('sam', 'reaction.add', { target: seq, key: 'x' })), 'NOT_MEMBER')
    c.run('adam', 'member.mute', { user: 'max', seconds: 60 })
    c.run('adam', 'group.mute', {})
    assert.equal(eventsOf(c.decide('max', 'reaction.add', { target: seq, key: 'x' })).length, 1)
    c.run('olivia', 'group.dissolve', {})
    assert.equal(refusalOf(c.decide('max', 'reaction.add', { target: seq, key: 'x' })), 'DISSOLVED')
  })

  test('a key is 1-32 characters without whitespace, control characters or bidi overrides; emoji sequences pass', () => {
    const command = (key: string) => ({ type: 'reaction.add', id: 'r', conv: 'g_team', actor: 'mia', data: { target: 2, key } })
    for (const good of ['👍', '👨‍👩‍👧‍👦', '🇫🇷', '❤️', 'thumbsup', ':+1:', '好', 'x'.repeat(32)]) assert.equal(validateCommand(command(good)).ok, true, good)
    for (const bad of ['', 'a b', 'a\nb', '\u0000', 'x\u202Ey', 'x\u2066', 'x'.repeat(33), '\t']) {
      const v = validateCommand(command(bad))
      assert.equal(v.ok, false, JSON.stringify(bad))
      assert.ok(!v.ok && v.errors.some((e) => e.field === '/data/key'), JSON.stringify(!v.ok && v.errors))
    }
  })
})
