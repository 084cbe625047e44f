import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Decision } from '../../core/domain/decision.js'
import { DEFAULT_POLICY } from '../../core/domain/policy.js'
import { REFUSALS, type RefusalCode, refuse } from '../../core/domain/refusal.js'
import { COMMAND_TYPES, type CommandType, EDITS_PER_MESSAGE } from '../../schemas/index.js'
import { Conversation, directChat, eventsOf, refusalOf, SYSTEM, team } from './scenario.js'

// Two catalogs that must stay complete: one refusal scenario per refusal code,
// and accepting scenarios for every command type. Adding a code or a command
// without a scenario here fails the completeness tests.

const hi = { content: { type: 'text' as const, text: 'hi' } }

function burningChat(): Conversation {
  const c = directChat('adam', 'zoe')
  c.run('adam', 'burn.configure', { enabled: true })
  return c
}

const refusalScenarios: Record<RefusalCode, () => Decision> = {
  NOTIFY_UNTIL_INVALID: () => team().decide('mia', 'notifications.configure', { mode: 'none', until: 1 }),
  CONVERSATION_NOT_FOUND: () => new Conversation('g_none').decide('mia', 'message.send', hi),
  ALREADY_EXISTS: () => team().decide('olivia', 'group.create', { name: 'Again' }),
  CONVERSATION_ID_MISMATCH: () => new Conversation('d~zoe~adam').decide('adam', 'conversation.create-direct', { peer: 'zoe' }),
  INVALID_PEER: () => new Conversation('d~adam~adam').decide('adam', 'conversation.create-direct', { peer: 'adam' }),
  NOT_MEMBER: () => team().decide('sam', 'message.send', hi),
  NOT_GROUP: () => directChat('adam', 'zoe').decide('adam', 'group.invite', { users: ['eve'] }),
  BURN_DIRECT_ONLY: () => team().decide('olivia', 'burn.configure', { enabled: true }),
  DISSOLVED: () => {
    const c = team()
    c.run('olivia', 'group.dissolve', {})
    return c.decide('mia', 'message.send', hi)
  },
  GROUP_MUTED: () => {
    const c = team()
    c.run('adam', 'group.mute', {})
    return c.decide('mia', 'message.send', hi)
  },
  MUTED: () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    return c.decide('mia', 'message.send', hi)
  },
  FORBIDDEN_ROLE: () => team().decide('adam', 'group.kick', { user: 'olivia' }),
  ALREADY_MEMBER: () => team().decide('mia', 'group.invite', { users: ['max'] }),
  TARGET_NOT_MEMBER: () => team().decide('adam', 'group.kick', { user: 'sam' }),
  OWNER_MUST_TRANSFER: () => team().decide('olivia', 'group.leave', {}),
  JOIN_CLOSED: () => team().decide('sam', 'group.join', {}),
  GROUP_FULL: () => team({ ...DEFAULT_POLICY, maxGroupMembers: 5 }).decide('mia', 'group.invite', { users: ['sam'] }),
  TARGET_NOT_FOUND: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    return c.decide('mia', 'message.edit', { target: seq, content: hi.content }, { target: null })
  },
  TARGET_GONE: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('mia', 'message.recall', { target: seq })
    return c.decide('mia', 'message.edit', { target: seq, content: hi.content })
  },
  NOT_AUTHOR: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    return c.decide('max', 'message.edit', { target: seq, content: hi.content })
  },
  NOT_EDITABLE: () => {
    const c = team()
    c.run('mia', 'message.send', { content: { type: 'image', url: 'https://x.io/c.png' } })
    return c.decide('mia', 'message.edit', { target: c.state.seq, content: hi.content })
  },
  EDIT_LIMIT: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    for (let i = 0; i < EDITS_PER_MESSAGE; i++) c.run('mia', 'message.edit', { target: seq, content: { type: 'text', text: `x${i}` } })
    return c.decide('mia', 'message.edit', { target: seq, content: hi.content })
  },
  RECALL_WINDOW_PASSED: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    return c.decide('mia', 'message.recall', { target: seq }, { now: c.now + DEFAULT_POLICY.recallWindowSeconds * 1000 + 1 })
  },
  NOT_BURNABLE: () => {
    const c = directChat('adam', 'zoe')
    const seq = c.say('zoe', 'plain')
    return c.decide(SYSTEM, 'message.burn', { target: seq })
  },
  NOT_ERASABLE: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    return c.decide(SYSTEM, 'content.erase', { reason: 'user-erasure', user: 'max', request: 'r1', targets: [seq] })
  },
  SEQ_OUT_OF_RANGE: () => team().decide('mia', 'conversation.read', { upTo: 99 }),
  MENTION_NOT_MEMBER: () => team().decide('mia', 'message.send', { ...hi, mentions: { users: ['sam'] } }),
  CHANNEL_READ_ONLY: () => {
    const c = new Conversation('c_news')
    c.run('olivia', 'channel.create', { name: 'News', subscribers: ['mia'] })
    return c.decide('mia', 'message.send', hi)
  },
  ALREADY_REACTED: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('max', 'reaction.add', { target: seq, key: '👍' })
    return c.decide('max', 'reaction.add', { target: seq, key: '👍' })
  },
  REACTION_NOT_FOUND: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    return c.decide('max', 'reaction.remove', { target: seq, key: '👍' })
  },
  REACTION_KEYS_FULL: () => {
    const c = team({ ...DEFAULT_POLICY, maxReactionKeys: 1 })
    const seq = c.say('mia', 'x')
    c.run('max', 'reaction.add', { target: seq, key: '👍' })
    return c.decide('max', 'reaction.add', { target: seq, key: 'tada' })
  },
  ALREADY_PINNED: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    c.run('adam', 'message.pin', { target: seq })
    return c.decide('olivia', 'message.pin', { target: seq })
  },
  NOT_PINNED: () => {
    const c = team()
    const seq = c.say('mia', 'x')
    return c.decide('adam', 'message.unpin', { target: seq })
  },
  PINS_FULL: () => {
    const c = team({ ...DEFAULT_POLICY, maxPins: 1 })
    c.run('adam', 'message.pin', { target: c.say('mia', 'x') })
    return c.decide('adam', 'message.pin', { target: c.say('mia', 'y') })
  },
  THREAD_NESTED: () => {
    const c = team()
    const root = c.say('mia', 'root')
    c.run('adam', 'message.send', { ...hi, thread: root })
    return c.decide('mia', 'message.send', { ...hi, thread: c.state.seq })
  },
  BLOCKED: () => directChat('adam', 'zoe').decide('adam', 'message.send', hi, { blocked: true }),
}

/** Accepting scenarios, several of them no-ops that must write nothing. */
const acceptingScenarios: [CommandType, string, () => Decision][] = [
  ['conversation.create-direct', 'create', () => new Conversation('d~adam~zoe').decide('zoe', 'conversation.create-direct', { peer: 'adam' })],
  ['group.create', 'create', () => new Conversation('g_x').decide('olivia', 'group.create', { name: 'X', admins: ['adam'], members: ['mia', 'max'] })],
  ['channel.create', 'create', () => new Conversation('c_x').decide('olivia', 'channel.create', { name: 'X', admins: ['adam'], subscribers: ['mia'] })],
  ['group.invite', 'invite', () => team().decide('mia', 'group.invite', { users: ['sam', 'sue', 'max'] })],
  ['group.join', 'join', () => team(undefined, true).decide('sam', 'group.join', {})],
  ['group.leave', 'leave', () => team().decide('mia', 'group.leave', {})],
  ['group.kick', 'kick', () => team().decide('olivia', 'group.kick', { user: 'adam' })],
  ['group.change-role', 'change', () => team().decide('olivia', 'group.change-role', { user: 'mia', role: 'admin' })],
  ['group.change-role', 'no-op', () => team().decide('olivia', 'group.change-role', { user: 'mia', role: 'member' })],
  ['group.transfer-ownership', 'transfer', () => team().decide('olivia', 'group.transfer-ownership', { to: 'mia' })],
  ['group.transfer-ownership', 'no-op', () => team().decide('olivia', 'group.transfer-ownership', { to: 'olivia' })],
  ['group.update-info', 'update', () => team().decide('adam', 'group.update-info', { name: 'N', notice: 'n', joinable: true })],
  ['group.mute', 'mute', () => team().decide('adam', 'group.mute', {})],
  ['group.unmute', 'no-op', () => team().decide('adam', 'group.unmute', {})],
  ['member.mute', 'mute', () => team().decide('adam', 'member.mute', { user: 'mia', seconds: 5 })],
  ['member.unmute', 'no-op', () => team().decide('adam', 'member.unmute', { user: 'mia' })],
  ['group.dissolve', 'dissolve', () => team().decide('olivia', 'group.dissolve', {})],
  ['message.send', 'send', () => team().decide('adam', 'message.send', { ...hi, mentions: { users: ['mia'], all: true }, replyTo: 1 })],
  ['message.send', 'burning send', () => burningChat().decide('zoe', 'message.send', hi)],
  [
    'message.edit',
    'edit',
    () => {
      const c = team()
      const seq = c.say('mia', 'x')
      return c.decide('mia', 'message.edit', { target: seq, content: hi.content })
    },
  ],
  [
    'message.recall',
    'recall',
    () => {
      const c = team()
      const seq = c.say('mia', 'x')
      return c.decide('olivia', 'message.recall', { target: seq, erase: true })
    },
  ],
  ['message.delete-for-me', 'delete', () => team().decide('mia', 'message.delete-for-me', { targets: [1] })],
  ['conversation.read', 'read', () => team().decide('mia', 'conversation.read', { upTo: 1 })],
  ['notifications.configure', 'mentions', () => team().decide('mia', 'notifications.configure', { mode: 'mentions' })],
  ['burn.configure', 'enable', () => directChat('adam', 'zoe').decide('zoe', 'burn.configure', { enabled: true })],
  ['burn.configure', 'no-op', () => directChat('adam', 'zoe').decide('zoe', 'burn.configure', { enabled: false })],
  [
    'message.burn',
    'burn',
    () => {
      const c = burningChat()
      const seq = c.say('zoe', 'secret')
      return c.decide(SYSTEM, 'message.burn', { target: seq })
    },
  ],
  [
    'message.burn',
    'already burned',
    () => {
      const c = burningChat()
      const seq = c.say('zoe', 'secret')
      c.run(SYSTEM, 'message.burn', { target: seq })
      return c.decide(SYSTEM, 'message.burn', { target: seq })
    },
  ],
  ['retention.configure', 'owner', () => team().decide('olivia', 'retention.configure', { days: 30 })],
  ['retention.configure', 'no-op', () => team().decide(SYSTEM, 'retention.configure', { days: null })],
  [
    'reaction.add',
    'react',
    () => {
      const c = team()
      return c.decide('max', 'reaction.add', { target: c.say('mia', 'x'), key: '👍' })
    },
  ],
  [
    'reaction.remove',
    'unreact',
    () => {
      const c = team()
      const seq = c.say('mia', 'x')
      c.run('max', 'reaction.add', { target: seq, key: '👍' })
      return c.decide('max', 'reaction.remove', { target: seq, key: '👍' })
    },
  ],
  [
    'message.pin',
    'pin',
    () => {
      const c = directChat('adam', 'zoe')
      return c.decide('zoe', 'message.pin', { target: c.say('adam', 'x') })
    },
  ],
  [
    'message.unpin',
    'unpin',
    () => {
      const c = team()
      const seq = c.say('mia', 'x')
      c.run('adam', 'message.pin', { target: seq })
      return c.decide('olivia', 'message.unpin', { target: seq })
    },
  ],
  [
    'content.erase',
    'retention',
    () => {
      const c = team()
      const seq = c.say('mia', 'old')
      return c.decide(SYSTEM, 'content.erase', { reason: 'retention', days: 1, before: c.now + 1, targets: [seq] }, { now: c.now + 2 * 24 * 3600 * 1000 })
    },
  ],
  [
    'content.erase',
    'already erased',
    () => {
      const c = team()
      const seq = c.say('mia', 'mine')
      const erasure = { reason: 'user-erasure' as const, user: 'mia', request: 'r1', targets: [seq] }
      c.run(SYSTEM, 'content.erase', erasure)
      return c.decide(SYSTEM, 'content.erase', erasure)
    },
  ],
]

describe('every refusal code', () => {
  test('has a scenario below', () => {
    assert.deepEqual(Object.keys(refusalScenarios).sort(), Object.keys(REFUSALS).sort())
  })

  for (const [code, scenario] of Object.entries(refusalScenarios)) {
    test(`${code} is refused with exactly that code and its fixed message`, () => {
      const d = scenario()
      assert.equal(refusalOf(d), code)
      assert.ok(!d.ok && d.refusal.message.startsWith(REFUSALS[code as RefusalCode]), !d.ok ? d.refusal.message : '')
    })
  }

  test('refuse appends the detail after the fixed text', () => {
    assert.deepEqual(refuse('MUTED', 'until noon'), { code: 'MUTED', message: `${REFUSALS.MUTED}: until noon` })
    assert.deepEqual(refuse('MUTED'), { code: 'MUTED', message: REFUSALS.MUTED })
  })
})

describe('every accepted decision is atomic on the log', () => {
  test('every command type has an accepting scenario', () => {
    const covered = new Set(acceptingScenarios.map(([type]) => type))
    assert.deepEqual([...covered].sort(), [...COMMAND_TYPES].sort())
  })

  for (const [type, name, scenario] of acceptingScenarios) {
    test(`${type} (${name}) is accepted with at most one event`, () => {
      const events = eventsOf(scenario())
      assert.ok(events.length <= 1, `${events.length} events: ${JSON.stringify(events)}`)
      if (name === 'no-op' || name.startsWith('already')) assert.equal(events.length, 0)
      else assert.equal(events.length, 1)
    })
  }
})
