import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { directConversationId } from '../../core/domain/index.js'
import { DEFAULT_POLICY } from '../../core/domain/policy.js'
import { Conversation, directChat, eventsOf, groupChat, refusalOf, SYSTEM, team } from './scenario.js'

describe('direct conversation ids', () => {
  test('are the same whichever side names them, smaller id first', () => {
    assert.equal(directConversationId('zoe', 'adam'), 'd~adam~zoe')
    assert.equal(directConversationId('adam', 'zoe'), 'd~adam~zoe')
  })

  test('order by code unit, so upper case sorts before lower case', () => {
    assert.equal(directConversationId('bob', 'Bob'), 'd~Bob~bob')
  })
})

describe('conversation.create-direct', () => {
  test('creates the conversation with the sorted pair as members', () => {
    const c = new Conversation('d~adam~zoe')
    assert.deepEqual(eventsOf(c.decide('zoe', 'conversation.create-direct', { peer: 'adam' })), [
      { type: 'conversation.created', data: { kind: 'direct', members: ['adam', 'zoe'] } },
    ])
  })

  test('either side may create it under the same id', () => {
    const c = new Conversation('d~adam~zoe')
    assert.deepEqual(eventsOf(c.decide('adam', 'conversation.create-direct', { peer: 'zoe' })), [
      { type: 'conversation.created', data: { kind: 'direct', members: ['adam', 'zoe'] } },
    ])
  })

  test('the members become plain members of a direct conversation', () => {
    const c = directChat('zoe', 'adam')
    assert.equal(c.state.kind, 'direct')
    assert.deepEqual([...c.state.members.keys()], ['adam', 'zoe'])
    assert.equal(c.state.members.get('zoe')?.role, 'member')
  })

  test('an unsorted id is refused: it would split one pair into two conversations', () => {
    const c = new Conversation('d~zoe~adam')
    assert.equal(refusalOf(c.decide('zoe', 'conversation.create-direct', { peer: 'adam' })), 'CONVERSATION_ID_MISMATCH')
  })

  test('an id naming someone else is refused', () => {
    const c = new Conversation('d~adam~eve')
    assert.equal(refusalOf(c.decide('zoe', 'conversation.create-direct', { peer: 'adam' })), 'CONVERSATION_ID_MISMATCH')
  })

  test('a group id is refused', () => {
    const c = new Conversation('g_adam_zoe')
    assert.equal(refusalOf(c.decide('zoe', 'conversation.create-direct', { peer: 'adam' })), 'CONVERSATION_ID_MISMATCH')
  })

  test('a conversation with oneself is refused', () => {
    const c = new Conversation('d~adam~adam')
    assert.equal(refusalOf(c.decide('adam', 'conversation.create-direct', { peer: 'adam' })), 'INVALID_PEER')
  })

  test('Seqline itself has no direct conversations', () => {
    const c = new Conversation('d~adam~zoe')
    assert.equal(refusalOf(c.decide(SYSTEM, 'conversation.create-direct', { peer: 'adam' })), 'INVALID_PEER')
  })

  test('creating it twice is refused, from either side', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('adam', 'conversation.create-direct', { peer: 'zoe' })), 'ALREADY_EXISTS')
    assert.equal(refusalOf(c.decide('zoe', 'conversation.create-direct', { peer: 'adam' })), 'ALREADY_EXISTS')
  })
})

describe('group.create', () => {
  test('the creator owns the group; admins and members follow, each user once', () => {
    const c = new Conversation('g_team')
    const d = c.decide('olivia', 'group.create', {
      name: 'Team',
      admins: ['adam', 'olivia'],
      members: ['mia', 'adam', 'max', 'olivia'],
    })
    assert.deepEqual(eventsOf(d), [
      {
        type: 'conversation.created',
        data: {
          kind: 'group',
          name: 'Team',
          joinable: false,
          members: [
            { user: 'olivia', role: 'owner' },
            { user: 'adam', role: 'admin' },
            { user: 'mia', role: 'member' },
            { user: 'max', role: 'member' },
          ],
        },
      },
    ])
  })

  test('a group of one: just the owner, closed to joining by default', () => {
    const c = new Conversation('g_solo')
    assert.deepEqual(eventsOf(c.decide('olivia', 'group.create', { name: 'Solo' })), [
      {
        type: 'conversation.created',
        data: { kind: 'group', name: 'Solo', joinable: false, members: [{ user: 'olivia', role: 'owner' }] },
      },
    ])
  })

  test('avatar, notice and joinable are carried when given', () => {
    const c = new Conversation('g_team')
    const d = c.decide('olivia', 'group.create', {
      name: 'Team',
      avatar: 'https://example.com/a.png',
      notice: 'be nice',
      joinable: true,
    })
    assert.deepEqual(eventsOf(d), [
      {
        type: 'conversation.created',
        data: {
          kind: 'group',
          name: 'Team',
          joinable: true,
          members: [{ user: 'olivia', role: 'owner' }],
          avatar: 'https://example.com/a.png',
          notice: 'be nice',
        },
      },
    ])
  })

  test('the created group state has the roles and joinability of the event', () => {
    const c = groupChat('g_team', { owner: 'olivia', admins: ['adam'], members: ['mia'], joinable: true })
    assert.equal(c.state.kind, 'group')
    assert.equal(c.state.joinable, true)
    assert.equal(c.state.members.get('olivia')?.role, 'owner')
    assert.equal(c.state.members.get('adam')?.role, 'admin')
    assert.equal(c.state.members.get('mia')?.role, 'member')
  })

  test('a group at the member limit is created; one more user is GROUP_FULL', () => {
    const policy = { ...DEFAULT_POLICY, maxGroupMembers: 3 }
    const atLimit = new Conversation('g_team', policy)
    assert.equal(eventsOf(atLimit.decide('olivia', 'group.create', { name: 'T', admins: ['adam'], members: ['mia'] })).length, 1)
    const over = new Conversation('g_team', policy)
    const d = over.decide('olivia', 'group.create', { name: 'T', admins: ['adam'], members: ['mia', 'max'] })
    assert.equal(refusalOf(d), 'GROUP_FULL')
  })

  test('the limit counts distinct users, not list entries', () => {
    const c = new Conversation('g_team', { ...DEFAULT_POLICY, maxGroupMembers: 3 })
    const d = c.decide('olivia', 'group.create', { name: 'T', admins: ['adam', 'olivia'], members: ['adam', 'mia', 'olivia'] })
    assert.equal(eventsOf(d).length, 1)
  })

  test('a direct id is refused', () => {
    const c = new Conversation('d~adam~olivia')
    assert.equal(refusalOf(c.decide('olivia', 'group.create', { name: 'T' })), 'CONVERSATION_ID_MISMATCH')
  })

  test('Seqline itself cannot own a group', () => {
    const c = new Conversation('g_team')
    assert.equal(refusalOf(c.decide(SYSTEM, 'group.create', { name: 'T' })), 'FORBIDDEN_ROLE')
  })

  test('creating it twice is refused', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'group.create', { name: 'Again' })), 'ALREADY_EXISTS')
  })

  test('a direct conversation cannot be created over a group', () => {
    const c = groupChat('g_x', { owner: 'adam' })
    assert.equal(refusalOf(c.decide('adam', 'conversation.create-direct', { peer: 'zoe' })), 'ALREADY_EXISTS')
  })
})

describe('commands on a conversation that does not exist', () => {
  test('are refused with CONVERSATION_NOT_FOUND', () => {
    const c = new Conversation('g_nothing')
    assert.equal(refusalOf(c.decide('mia', 'message.send', { content: { type: 'text', text: 'hi' } })), 'CONVERSATION_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'conversation.read', { upTo: 1 })), 'CONVERSATION_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'group.join', {})), 'CONVERSATION_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'group.invite', { users: ['max'] })), 'CONVERSATION_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'message.delete-for-me', { targets: [1] })), 'CONVERSATION_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'burn.configure', { enabled: true })), 'CONVERSATION_NOT_FOUND')
    assert.equal(refusalOf(c.decide('mia', 'message.recall', { target: 1 })), 'CONVERSATION_NOT_FOUND')
  })
})

describe('conversation.read', () => {
  test('a member marks read up to the head', () => {
    const c = team()
    c.say('mia', 'one')
    const head = c.say('max', 'two')
    assert.deepEqual(eventsOf(c.decide('adam', 'conversation.read', { upTo: head })), [{ type: 'conversation.read', data: { upTo: head } }])
  })

  test('beyond the head is SEQ_OUT_OF_RANGE', () => {
    const c = team()
    const head = c.say('mia', 'one')
    assert.equal(refusalOf(c.decide('adam', 'conversation.read', { upTo: head + 1 })), 'SEQ_OUT_OF_RANGE')
  })

  test('a stranger is NOT_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'conversation.read', { upTo: 1 })), 'NOT_MEMBER')
  })

  test('a former member no longer marks read', () => {
    const c = team()
    c.run('mia', 'group.leave', {})
    assert.equal(refusalOf(c.decide('mia', 'conversation.read', { upTo: 1 })), 'NOT_MEMBER')
  })

  test('Seqline itself reads nothing', () => {
    const c = team()
    assert.equal(refusalOf(c.decide(SYSTEM, 'conversation.read', { upTo: 1 })), 'NOT_MEMBER')
  })

  test('works in a direct conversation', () => {
    const c = directChat('adam', 'zoe')
    assert.deepEqual(eventsOf(c.decide('zoe', 'conversation.read', { upTo: 1 })), [{ type: 'conversation.read', data: { upTo: 1 } }])
  })
})

describe('message.delete-for-me', () => {
  test('a member hides messages up to the head', () => {
    const c = team()
    const first = c.say('mia', 'one')
    const second = c.say('max', 'two')
    assert.deepEqual(eventsOf(c.decide('mia', 'message.delete-for-me', { targets: [first, second] })), [
      { type: 'message.deleted_for_me', data: { targets: [first, second] } },
    ])
  })

  test('beyond the head is SEQ_OUT_OF_RANGE', () => {
    const c = team()
    const head = c.say('mia', 'one')
    assert.equal(refusalOf(c.decide('mia', 'message.delete-for-me', { targets: [head, head + 1] })), 'SEQ_OUT_OF_RANGE')
  })

  test('a member who left hides nothing more, not even what they had: NOT_MEMBER', () => {
    const c = team()
    const before = c.say('max', 'before')
    c.run('mia', 'group.leave', {})
    assert.equal(refusalOf(c.decide('mia', 'message.delete-for-me', { targets: [before] })), 'NOT_MEMBER')
  })

  test('a kicked member hides nothing more: NOT_MEMBER', () => {
    const c = team()
    const before = c.say('mia', 'mine')
    c.run('adam', 'group.kick', { user: 'mia' })
    assert.equal(refusalOf(c.decide('mia', 'message.delete-for-me', { targets: [before] })), 'NOT_MEMBER')
  })

  test('a member who rejoined sees up to the head again', () => {
    const c = team(undefined, true)
    c.run('mia', 'group.leave', {})
    c.say('max', 'while away')
    c.run('mia', 'group.join', {})
    assert.equal(eventsOf(c.decide('mia', 'message.delete-for-me', { targets: [c.state.seq] })).length, 1)
  })

  test('a stranger is NOT_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'message.delete-for-me', { targets: [1] })), 'NOT_MEMBER')
  })

  test('Seqline itself has no view to delete from', () => {
    const c = team()
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.delete-for-me', { targets: [1] })), 'NOT_MEMBER')
  })
})

describe('burn.configure', () => {
  test('enabling without seconds takes the policy default', () => {
    const c = directChat('adam', 'zoe', { ...DEFAULT_POLICY, burnDefaultSeconds: 45 })
    assert.deepEqual(eventsOf(c.decide('adam', 'burn.configure', { enabled: true })), [{ type: 'burn.configured', data: { enabled: true, seconds: 45 } }])
  })

  test('enabling with seconds takes them', () => {
    const c = directChat('adam', 'zoe')
    assert.deepEqual(eventsOf(c.decide('zoe', 'burn.configure', { enabled: true, seconds: 10 })), [
      { type: 'burn.configured', data: { enabled: true, seconds: 10 } },
    ])
  })

  test('the configuration lands in the state', () => {
    const c = directChat('adam', 'zoe')
    c.run('zoe', 'burn.configure', { enabled: true, seconds: 10 })
    assert.deepEqual(c.state.burn, { enabled: true, seconds: 10 })
  })

  test('enabling again with the same seconds changes nothing and writes nothing', () => {
    const c = directChat('adam', 'zoe')
    c.run('adam', 'burn.configure', { enabled: true, seconds: 10 })
    assert.deepEqual(eventsOf(c.decide('zoe', 'burn.configure', { enabled: true, seconds: 10 })), [])
  })

  test('disabling while disabled writes nothing', () => {
    const c = directChat('adam', 'zoe')
    assert.deepEqual(eventsOf(c.decide('zoe', 'burn.configure', { enabled: false })), [])
    assert.deepEqual(eventsOf(c.decide('zoe', 'burn.configure', { enabled: false, seconds: 99 })), [])
  })

  test('changing the seconds while enabled is written', () => {
    const c = directChat('adam', 'zoe')
    c.run('adam', 'burn.configure', { enabled: true, seconds: 10 })
    assert.deepEqual(eventsOf(c.decide('zoe', 'burn.configure', { enabled: true, seconds: 20 })), [
      { type: 'burn.configured', data: { enabled: true, seconds: 20 } },
    ])
  })

  test('disabling while enabled is written', () => {
    const c = directChat('adam', 'zoe')
    c.run('adam', 'burn.configure', { enabled: true, seconds: 10 })
    assert.deepEqual(eventsOf(c.decide('zoe', 'burn.configure', { enabled: false, seconds: 10 })), [
      { type: 'burn.configured', data: { enabled: false, seconds: 10 } },
    ])
  })

  test('groups have no burn after read', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('olivia', 'burn.configure', { enabled: true })), 'BURN_DIRECT_ONLY')
  })

  test('an outsider cannot configure a direct conversation', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('eve', 'burn.configure', { enabled: true })), 'NOT_MEMBER')
  })
})

describe('notifications.configure', () => {
  test('a member sets a mode for themselves, with or without an end', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('mia', 'notifications.configure', { mode: 'mentions' })), [
      { type: 'notifications.configured', data: { mode: 'mentions' } },
    ])
    const until = c.now + 3_600_000
    assert.deepEqual(eventsOf(c.decide('mia', 'notifications.configure', { mode: 'none', until })), [
      { type: 'notifications.configured', data: { mode: 'none', until } },
    ])
  })

  test('an end that has passed, or an end to mode all, is NOTIFY_UNTIL_INVALID', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'notifications.configure', { mode: 'none', until: c.now })), 'NOTIFY_UNTIL_INVALID')
    assert.equal(refusalOf(c.decide('mia', 'notifications.configure', { mode: 'all', until: c.now + 1000 })), 'NOTIFY_UNTIL_INVALID')
  })

  test('non-members, Seqline itself and dissolved groups are refused', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'notifications.configure', { mode: 'none' })), 'NOT_MEMBER')
    assert.equal(refusalOf(c.decide(SYSTEM, 'notifications.configure', { mode: 'none' })), 'NOT_MEMBER')
    c.run('olivia', 'group.dissolve', {})
    assert.equal(refusalOf(c.decide('mia', 'notifications.configure', { mode: 'none' })), 'DISSOLVED')
  })
})
