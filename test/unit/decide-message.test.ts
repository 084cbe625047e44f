import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_POLICY } from '../../core/domain/policy.js'
import { EDITS_PER_MESSAGE } from '../../schemas/index.js'
import { Conversation, directChat, eventsOf, foldEvents, refusalOf, SYSTEM, team, toEnvelopes } from './scenario.js'

// team(): owner olivia, admins adam and ada, members mia and max; sam is a stranger.

const text = (t: string) => ({ type: 'text' as const, text: t })
const image = { type: 'image' as const, url: 'https://example.com/cat.png' }
const file = { type: 'file' as const, url: 'https://example.com/report.pdf', name: 'report.pdf', size: 1234 }
const card = (title: string) => ({ type: 'custom' as const, kind: 'card', payload: { title } })

const WINDOW_MS = DEFAULT_POLICY.recallWindowSeconds * 1000

/** A direct conversation between adam and zoe with burn after read on. */
function burningChat(seconds = 30): Conversation {
  const c = directChat('adam', 'zoe')
  c.run('adam', 'burn.configure', { enabled: true, seconds })
  return c
}

describe('message.send', () => {
  test('a member sends a text message', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('mia', 'message.send', { content: text('hi') })), [{ type: 'message.sent', data: { content: text('hi') } }])
  })

  test('mentions and replyTo are carried', () => {
    const c = team()
    const earlier = c.say('max', 'question?')
    const d = c.decide('mia', 'message.send', { content: text('answer'), mentions: { users: ['max'] }, replyTo: earlier })
    assert.deepEqual(eventsOf(d), [{ type: 'message.sent', data: { content: text('answer'), mentions: { users: ['max'] }, replyTo: earlier } }])
  })

  test('every content type can be sent', () => {
    const c = team()
    for (const content of [image, file, card('hello')]) {
      assert.deepEqual(eventsOf(c.decide('mia', 'message.send', { content })), [{ type: 'message.sent', data: { content } }])
    }
  })

  test('mentioning a non-member is MENTION_NOT_MEMBER', () => {
    const c = team()
    const d = c.decide('mia', 'message.send', { content: text('hey'), mentions: { users: ['max', 'sam'] } })
    assert.equal(refusalOf(d), 'MENTION_NOT_MEMBER')
  })

  test('mentioning a former member is MENTION_NOT_MEMBER', () => {
    const c = team()
    c.run('max', 'group.leave', {})
    const d = c.decide('mia', 'message.send', { content: text('hey'), mentions: { users: ['max'] } })
    assert.equal(refusalOf(d), 'MENTION_NOT_MEMBER')
  })

  test('the owner and admins mention @all', () => {
    const c = team()
    const all = { content: text('everyone!'), mentions: { all: true } }
    assert.deepEqual(eventsOf(c.decide('olivia', 'message.send', all)), [{ type: 'message.sent', data: all }])
    assert.deepEqual(eventsOf(c.decide('adam', 'message.send', all)), [{ type: 'message.sent', data: all }])
  })

  test('a plain member cannot mention @all', () => {
    const c = team()
    const d = c.decide('mia', 'message.send', { content: text('everyone!'), mentions: { all: true } })
    assert.equal(refusalOf(d), 'FORBIDDEN_ROLE')
  })

  test('mentions.all false is no @all and is allowed for anyone', () => {
    const c = team()
    assert.equal(eventsOf(c.decide('mia', 'message.send', { content: text('hi'), mentions: { all: false } })).length, 1)
  })

  test('@all in a direct conversation is NOT_GROUP', () => {
    const c = directChat('adam', 'zoe')
    const d = c.decide('adam', 'message.send', { content: text('everyone!'), mentions: { all: true } })
    assert.equal(refusalOf(d), 'NOT_GROUP')
  })

  test('replying to the head is fine; beyond it is SEQ_OUT_OF_RANGE', () => {
    const c = team()
    const head = c.say('max', 'latest')
    assert.equal(eventsOf(c.decide('mia', 'message.send', { content: text('re'), replyTo: head })).length, 1)
    assert.equal(refusalOf(c.decide('mia', 'message.send', { content: text('re'), replyTo: head + 1 })), 'SEQ_OUT_OF_RANGE')
  })

  test('a stranger is NOT_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'message.send', { content: text('hi') })), 'NOT_MEMBER')
  })

  test('an outsider cannot post into a direct conversation', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('eve', 'message.send', { content: text('hi') })), 'NOT_MEMBER')
  })

  test('with burn after read on in a direct conversation, burnAfter is stamped', () => {
    const c = burningChat(45)
    assert.deepEqual(eventsOf(c.decide('zoe', 'message.send', { content: text('secret') })), [
      { type: 'message.sent', data: { content: text('secret'), burnAfter: 45 } },
    ])
  })

  test('with burn after read off, no burnAfter key at all', () => {
    const c = directChat('adam', 'zoe')
    assert.deepEqual(eventsOf(c.decide('zoe', 'message.send', { content: text('plain') })), [{ type: 'message.sent', data: { content: text('plain') } }])
  })

  test('after burn after read is turned off again, no burnAfter', () => {
    const c = burningChat()
    c.run('zoe', 'burn.configure', { enabled: false })
    assert.deepEqual(eventsOf(c.decide('adam', 'message.send', { content: text('plain') })), [{ type: 'message.sent', data: { content: text('plain') } }])
  })

  test('a group never stamps burnAfter, even if its state claimed burn was on', () => {
    // Only reachable by a hand-written log, since burn.configure refuses groups; the send rule must not rely on that.
    const c = new Conversation('g_team')
    c.state = foldEvents(
      toEnvelopes(
        [
          {
            type: 'conversation.created',
            data: { kind: 'group', name: 'T', joinable: false, members: [{ user: 'olivia', role: 'owner' }] },
          },
          { type: 'burn.configured', data: { enabled: true, seconds: 30 } },
        ],
        { conv: 'g_team', actor: 'olivia' },
      ),
    )
    assert.deepEqual(eventsOf(c.decide('olivia', 'message.send', { content: text('hi') })), [{ type: 'message.sent', data: { content: text('hi') } }])
  })
})

describe('message.edit', () => {
  test('the author edits a text message', () => {
    const c = team()
    const seq = c.say('mia', 'tpyo')
    assert.deepEqual(eventsOf(c.decide('mia', 'message.edit', { target: seq, content: text('typo') })), [
      { type: 'message.edited', data: { target: seq, content: text('typo') } },
    ])
  })

  test('the author edits a custom message', () => {
    const c = team()
    c.run('mia', 'message.send', { content: card('draft') })
    const seq = c.state.seq
    assert.deepEqual(eventsOf(c.decide('mia', 'message.edit', { target: seq, content: card('final') })), [
      { type: 'message.edited', data: { target: seq, content: card('final') } },
    ])
  })

  test('someone else, even the owner, is NOT_AUTHOR', () => {
    const c = team()
    const seq = c.say('mia', 'mine')
    assert.equal(refusalOf(c.decide('olivia', 'message.edit', { target: seq, content: text('hers') })), 'NOT_AUTHOR')
    assert.equal(refusalOf(c.decide('max', 'message.edit', { target: seq, content: text('his') })), 'NOT_AUTHOR')
  })

  test('an image is NOT_EDITABLE', () => {
    const c = team()
    c.run('mia', 'message.send', { content: image })
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: c.state.seq, content: text('x') })), 'NOT_EDITABLE')
  })

  test('a message edited EDITS_PER_MESSAGE times refuses one more edit with EDIT_LIMIT; another message is still editable', () => {
    const c = team()
    const seq = c.say('mia', 'draft')
    for (let i = 1; i <= EDITS_PER_MESSAGE; i++) c.run('mia', 'message.edit', { target: seq, content: text(`v${i}`) })
    assert.equal(c.state.edits.get(seq)?.length, EDITS_PER_MESSAGE)
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: seq, content: text('one more') })), 'EDIT_LIMIT')
    const other = c.say('mia', 'other')
    assert.equal(eventsOf(c.decide('mia', 'message.edit', { target: other, content: text('fine') }))[0]?.type, 'message.edited')
  })

  test('the edit limit is the bound of a tombstone: the erasing recall of a message edited to the limit is accepted, naming every edit', () => {
    const c = team()
    const seq = c.say('mia', 'draft')
    for (let i = 1; i <= EDITS_PER_MESSAGE; i++) c.run('mia', 'message.edit', { target: seq, content: text(`v${i}`) })
    const edits = [...c.state.edits.get(seq)!]
    const [recalled] = eventsOf(c.decide('olivia', 'message.recall', { target: seq, erase: true }))
    assert.deepEqual(recalled, { type: 'message.recalled', data: { target: seq, erase: true, edits } })
  })

  test('a file is NOT_EDITABLE', () => {
    const c = team()
    c.run('mia', 'message.send', { content: file })
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: c.state.seq, content: file })), 'NOT_EDITABLE')
  })

  test('text cannot become custom, nor custom text', () => {
    const c = team()
    const words = c.say('mia', 'words')
    c.run('mia', 'message.send', { content: card('c') })
    const custom = c.state.seq
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: words, content: card('c') })), 'NOT_EDITABLE')
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: custom, content: text('t') })), 'NOT_EDITABLE')
  })

  test('a seq the log has nothing at is TARGET_NOT_FOUND', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    const d = c.decide('mia', 'message.edit', { target: seq, content: text('y') }, { target: null })
    assert.equal(refusalOf(d), 'TARGET_NOT_FOUND')
  })

  test('a seq beyond the head is TARGET_NOT_FOUND', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: seq + 1, content: text('y') })), 'TARGET_NOT_FOUND')
  })

  test('a target that is not a message is TARGET_NOT_FOUND', () => {
    const c = team()
    c.run('mia', 'group.invite', { users: ['sam'] })
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: c.state.seq, content: text('y') })), 'TARGET_NOT_FOUND')
    assert.equal(refusalOf(c.decide('olivia', 'message.edit', { target: 1, content: text('y') })), 'TARGET_NOT_FOUND')
  })

  test('a recalled message is TARGET_GONE', () => {
    const c = team()
    const seq = c.say('mia', 'oops')
    c.run('mia', 'message.recall', { target: seq })
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: seq, content: text('fixed') })), 'TARGET_GONE')
  })

  test('a muted author cannot edit', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: seq, content: text('y') })), 'MUTED')
  })

  test('an author who left cannot edit', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('mia', 'group.leave', {})
    assert.equal(refusalOf(c.decide('mia', 'message.edit', { target: seq, content: text('y') })), 'NOT_MEMBER')
  })
})

describe('message.recall', () => {
  test('the author recalls within the window, erase defaulting to false', () => {
    const c = team()
    const seq = c.say('mia', 'oops')
    assert.deepEqual(eventsOf(c.decide('mia', 'message.recall', { target: seq })), [{ type: 'message.recalled', data: { target: seq, erase: false } }])
  })

  test('erase is carried', () => {
    const c = team()
    const seq = c.say('mia', 'password123')
    assert.deepEqual(eventsOf(c.decide('mia', 'message.recall', { target: seq, erase: true })), [
      { type: 'message.recalled', data: { target: seq, erase: true } },
    ])
  })

  test('an erasing recall names the edits of its message, and only those: they hold its text too', () => {
    const c = team()
    const seq = c.say('mia', 'password123')
    const other = c.say('mia', 'hello')
    c.run('mia', 'message.edit', { target: seq, content: { type: 'text', text: 'password124' } })
    c.run('mia', 'message.edit', { target: other, content: { type: 'text', text: 'hello!' } })
    c.run('mia', 'message.edit', { target: seq, content: { type: 'text', text: 'password125' } })
    assert.deepEqual(eventsOf(c.decide('mia', 'message.recall', { target: seq, erase: true })), [
      { type: 'message.recalled', data: { target: seq, erase: true, edits: [other + 1, other + 3] } },
    ])
    assert.deepEqual(eventsOf(c.decide('mia', 'message.recall', { target: seq })), [{ type: 'message.recalled', data: { target: seq, erase: false } }])
  })

  test('the window closes after policy.recallWindowSeconds: last moment allowed, the next RECALL_WINDOW_PASSED', () => {
    const c = team()
    const seq = c.say('mia', 'oops')
    assert.equal(eventsOf(c.decide('mia', 'message.recall', { target: seq }, { now: c.now + WINDOW_MS })).length, 1)
    const late = c.decide('mia', 'message.recall', { target: seq }, { now: c.now + WINDOW_MS + 1 })
    assert.equal(refusalOf(late), 'RECALL_WINDOW_PASSED')
  })

  test('the window follows the policy', () => {
    const c = team({ ...DEFAULT_POLICY, recallWindowSeconds: 10 })
    const seq = c.say('mia', 'oops')
    assert.equal(refusalOf(c.decide('mia', 'message.recall', { target: seq }, { now: c.now + 10_001 })), 'RECALL_WINDOW_PASSED')
  })

  test('the window counts from when the message was sent, not from the start', () => {
    const c = team()
    c.now += 3_600_000
    const seq = c.say('mia', 'later')
    assert.equal(eventsOf(c.decide('mia', 'message.recall', { target: seq }, { now: c.now + 1000 })).length, 1)
  })

  test("the owner recalls an admin's message and an admin a member's, long after the window", () => {
    const c = team()
    const byAdmin = c.say('adam', 'a')
    const byMember = c.say('mia', 'm')
    const later = { now: c.now + 10 * WINDOW_MS }
    assert.equal(eventsOf(c.decide('olivia', 'message.recall', { target: byAdmin }, later)).length, 1)
    assert.equal(eventsOf(c.decide('ada', 'message.recall', { target: byMember }, later)).length, 1)
  })

  test('owner and admins recall their own messages any time', () => {
    const c = team()
    const own = c.say('adam', 'mine')
    assert.equal(eventsOf(c.decide('adam', 'message.recall', { target: own }, { now: c.now + 10 * WINDOW_MS })).length, 1)
  })

  test("a former member's message is recalled by an admin", () => {
    const c = team()
    const seq = c.say('mia', 'bye all')
    c.run('mia', 'group.leave', {})
    assert.equal(eventsOf(c.decide('adam', 'message.recall', { target: seq })).length, 1)
  })

  test("an admin cannot recall the owner's or another admin's message", () => {
    const c = team()
    const byOwner = c.say('olivia', 'o')
    const byAdmin = c.say('ada', 'a')
    assert.equal(refusalOf(c.decide('adam', 'message.recall', { target: byOwner })), 'FORBIDDEN_ROLE')
    assert.equal(refusalOf(c.decide('adam', 'message.recall', { target: byAdmin })), 'FORBIDDEN_ROLE')
  })

  test("a member cannot recall someone else's message", () => {
    const c = team()
    const seq = c.say('max', 'x')
    assert.equal(refusalOf(c.decide('mia', 'message.recall', { target: seq })), 'FORBIDDEN_ROLE')
  })

  test("in a direct conversation the peer cannot recall the other's message", () => {
    const c = directChat('adam', 'zoe')
    const seq = c.say('adam', 'x')
    assert.equal(refusalOf(c.decide('zoe', 'message.recall', { target: seq })), 'FORBIDDEN_ROLE')
  })

  test('in a direct conversation the author is bound by the window', () => {
    const c = directChat('adam', 'zoe')
    const seq = c.say('adam', 'x')
    assert.equal(refusalOf(c.decide('adam', 'message.recall', { target: seq }, { now: c.now + WINDOW_MS + 1 })), 'RECALL_WINDOW_PASSED')
  })

  test('Seqline itself recalls any message any time, in groups and direct conversations', () => {
    const g = team()
    const byOwner = g.say('olivia', 'o')
    assert.equal(eventsOf(g.decide(SYSTEM, 'message.recall', { target: byOwner }, { now: g.now + 10 * WINDOW_MS })).length, 1)
    const d = directChat('adam', 'zoe')
    const seq = d.say('zoe', 'z')
    assert.equal(eventsOf(d.decide(SYSTEM, 'message.recall', { target: seq }, { now: d.now + 10 * WINDOW_MS })).length, 1)
  })

  test('recalling twice is TARGET_GONE', () => {
    const c = team()
    const seq = c.say('mia', 'oops')
    c.run('mia', 'message.recall', { target: seq })
    assert.equal(refusalOf(c.decide('mia', 'message.recall', { target: seq })), 'TARGET_GONE')
    assert.equal(refusalOf(c.decide('olivia', 'message.recall', { target: seq })), 'TARGET_GONE')
  })

  test('a missing target is TARGET_NOT_FOUND', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    assert.equal(refusalOf(c.decide('mia', 'message.recall', { target: seq }, { target: null })), 'TARGET_NOT_FOUND')
  })

  test('a stranger is NOT_MEMBER', () => {
    const c = team()
    const seq = c.say('mia', 'x')
    assert.equal(refusalOf(c.decide('sam', 'message.recall', { target: seq })), 'NOT_MEMBER')
  })
})

describe('message.burn', () => {
  test('Seqline burns a message sent under burn after read', () => {
    const c = burningChat()
    const seq = c.say('zoe', 'secret')
    assert.deepEqual(eventsOf(c.decide(SYSTEM, 'message.burn', { target: seq })), [{ type: 'message.burned', data: { target: seq } }])
  })

  test('the tombstone names the edits it erases: real edits of the message, after it and up to the head', () => {
    const c = burningChat()
    const seq = c.say('zoe', 'secret')
    const other = c.say('zoe', 'another message')
    const [edited] = c.run('zoe', 'message.edit', { target: seq, content: text('later') })
    const edit = c.state.seq
    assert.equal(edited?.type, 'message.edited')
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: seq, edits: [other] })), 'TARGET_NOT_FOUND', 'a plain message is no edit')
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: other, edits: [edit] })), 'TARGET_NOT_FOUND', 'an edit of another message')
    assert.deepEqual(eventsOf(c.decide(SYSTEM, 'message.burn', { target: seq, edits: [edit] })), [
      { type: 'message.burned', data: { target: seq, edits: [edit] } },
    ])
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: seq, edits: [seq - 1] })), 'SEQ_OUT_OF_RANGE')
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: seq, edits: [edit + 5] })), 'SEQ_OUT_OF_RANGE')
  })

  test('burning a burned message writes nothing: the executor may retry', () => {
    const c = burningChat()
    const seq = c.say('zoe', 'secret')
    c.run(SYSTEM, 'message.burn', { target: seq })
    assert.deepEqual(eventsOf(c.decide(SYSTEM, 'message.burn', { target: seq })), [])
  })

  test('a burned message is TARGET_GONE for edit and recall', () => {
    const c = burningChat()
    const seq = c.say('zoe', 'secret')
    c.run(SYSTEM, 'message.burn', { target: seq })
    assert.equal(refusalOf(c.decide('zoe', 'message.edit', { target: seq, content: text('x') })), 'TARGET_GONE')
    assert.equal(refusalOf(c.decide('zoe', 'message.recall', { target: seq })), 'TARGET_GONE')
  })

  test('users cannot burn, not even the author', () => {
    const c = burningChat()
    const seq = c.say('zoe', 'secret')
    assert.equal(refusalOf(c.decide('zoe', 'message.burn', { target: seq })), 'FORBIDDEN_ROLE')
    assert.equal(refusalOf(c.decide('adam', 'message.burn', { target: seq })), 'FORBIDDEN_ROLE')
  })

  test('a message sent before burn was on is NOT_BURNABLE', () => {
    const c = directChat('adam', 'zoe')
    const seq = c.say('zoe', 'plain')
    c.run('adam', 'burn.configure', { enabled: true })
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: seq })), 'NOT_BURNABLE')
  })

  test('a target that is not a message is TARGET_NOT_FOUND', () => {
    const c = burningChat()
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: 2 })), 'TARGET_NOT_FOUND')
  })

  test('a missing target is TARGET_NOT_FOUND', () => {
    const c = burningChat()
    const seq = c.say('zoe', 'secret')
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: seq }, { target: null })), 'TARGET_NOT_FOUND')
  })

  test('beyond the head is SEQ_OUT_OF_RANGE', () => {
    const c = burningChat()
    const seq = c.say('zoe', 'secret')
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.burn', { target: seq + 1 })), 'SEQ_OUT_OF_RANGE')
  })
})
