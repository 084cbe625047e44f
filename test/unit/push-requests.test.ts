import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { mayPreview, offlineMembers, pushFor } from '../../integrations/push/requests.js'
import type { EventOf } from '../../schemas/index.js'

const message = (data: Partial<EventOf<'message.sent'>['data']> = {}, seq = 10): EventOf<'message.sent'> => ({
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  type: 'message.sent',
  conv: 'g_team',
  seq,
  at: 1_000,
  actor: 'ann',
  v: 1,
  cmd: 'c1',
  data: { content: { type: 'text', text: 'hello' }, ...data },
})

const member = (user: string, facts: Partial<{ readSeq: number; mode: 'all' | 'mentions' | 'none'; badge: number }> = {}) => ({
  user,
  readSeq: 0,
  mode: 'all' as const,
  badge: 3,
  ...facts,
})

describe('who a message may be pushed to', () => {
  const members = { ann: { since: 1 }, bob: { since: 1 }, cat: { since: 2 }, dan: { since: 12 } }

  test('members before it, not the sender, with no socket anywhere', () => {
    const online = new Set(['cat'])
    assert.deepEqual(
      offlineMembers(message(), members, (u) => online.has(u)),
      ['bob'],
    )
  })

  test('with nobody online, every earlier member but the sender', () => {
    assert.deepEqual(
      offlineMembers(message(), members, () => false),
      ['bob', 'cat'],
    )
  })
})

describe('the push of one member', () => {
  test('carries the message, the preview and the badge', () => {
    assert.deepEqual(pushFor(message(), member('bob', { badge: 7 }), 'hello'), {
      user: 'bob',
      conv: 'g_team',
      seq: 10,
      sender: 'ann',
      kind: 'text',
      preview: 'hello',
      mentioned: false,
      badge: 7,
    })
  })

  test('is none once the member has read the message', () => {
    assert.equal(pushFor(message(), member('bob', { readSeq: 10 }), 'hello'), null)
    assert.notEqual(pushFor(message(), member('bob', { readSeq: 9 }), 'hello'), null)
  })

  test('mode none: never; mode mentions: only when named or @all', () => {
    assert.equal(pushFor(message(), member('bob', { mode: 'none' }), 'x'), null)
    assert.equal(pushFor(message({ mentions: { users: ['bob'] } }), member('bob', { mode: 'none' }), 'x'), null)
    assert.equal(pushFor(message(), member('bob', { mode: 'mentions' }), 'x'), null)
    assert.equal(pushFor(message({ mentions: { users: ['cat'] } }), member('bob', { mode: 'mentions' }), 'x'), null)
    assert.equal(pushFor(message({ mentions: { users: ['bob'] } }), member('bob', { mode: 'mentions' }), 'x')?.mentioned, true)
    assert.equal(pushFor(message({ mentions: { all: true } }), member('bob', { mode: 'mentions' }), 'x')?.mentioned, true)
  })

  test("a thread reply: the root's author and the thread's participants as a mention, those it mentions, nobody else", () => {
    const reply = message({ thread: { root: 4, author: 'cat' } })
    const thread = { rootAuthor: 'cat', participants: { dan: 2, eve: 0 } }
    assert.equal(pushFor(reply, member('cat'), 'x', thread)?.mentioned, true, "the root's author")
    assert.equal(pushFor(reply, member('dan', { mode: 'mentions' }), 'x', thread)?.mentioned, true, 'a participant, though on mentions only')
    assert.equal(pushFor(reply, member('eve'), 'x', thread), null, 'whose replies are all gone')
    assert.equal(pushFor(reply, member('bob'), 'x', thread), null, 'outside the thread')
    assert.equal(pushFor(message({ thread: { root: 4, author: 'cat' }, mentions: { users: ['bob'] } }), member('bob'), 'x', thread)?.mentioned, true)
    assert.equal(pushFor(reply, member('dan', { mode: 'none' }), 'x', thread), null, 'none is none')
    assert.equal(pushFor(reply, member('dan', { readSeq: 10 }), 'x', thread), null, 'read already')
  })

  test('has no preview field when the preview may not leave Seqline', () => {
    const push = pushFor(message(), member('bob'), undefined)
    assert.ok(push && !('preview' in push))
  })
})

describe('previews', () => {
  test('never for burn after read, nor in a group that turned them off', () => {
    assert.equal(mayPreview(message(), true), true)
    assert.equal(mayPreview(message({ burnAfter: 30 }), true), false)
    assert.equal(mayPreview(message(), false), false)
  })
})
