import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { COMMAND_TYPES, type CommandType } from '../../schemas/index.js'
import { type Conversation, type DataOf, directChat, refusalOf, SYSTEM, team } from './scenario.js'

/*
 * The rule "only members write to a conversation's log", command type by
 * command type: a member who left, a member who was kicked (an admin, so no
 * rank lingers after removal) and a stranger are refused NOT_MEMBER, and the
 * same command from a current member is accepted, so the refusal is about
 * membership and nothing else.
 */

interface Cast {
  c: Conversation
  /** A message each former member sent while still a member, keyed by user. */
  own: Map<string, number>
}

/** The team, with mia gone of her own accord and ada kicked, each after sending a message. */
function castWithFormerMembers(): Cast {
  const c = team()
  const own = new Map<string, number>()
  for (const user of ['mia', 'ada', 'max', 'adam']) own.set(user, c.say(user, `from ${user}`))
  c.run('mia', 'group.leave', {})
  c.run('olivia', 'group.kick', { user: 'ada' })
  return { c, own }
}

type Case = { [K in CommandType]: { type: K; data: (actor: string, cast: Cast) => DataOf<K>; by: string } }[CommandType]

const text = { type: 'text' as const, text: 'x' }
/** Each command as a former member would send it; `by` is a current member for whom it is accepted. */
const GROUP_CASES: Case[] = [
  { type: 'group.invite', data: () => ({ users: ['sue'] }), by: 'max' },
  { type: 'group.leave', data: () => ({}), by: 'max' },
  { type: 'group.kick', data: () => ({ user: 'max' }), by: 'adam' },
  { type: 'group.change-role', data: () => ({ user: 'max', role: 'admin' }), by: 'olivia' },
  { type: 'group.transfer-ownership', data: () => ({ to: 'max' }), by: 'olivia' },
  { type: 'group.update-info', data: () => ({ name: 'Renamed' }), by: 'adam' },
  { type: 'group.mute', data: () => ({}), by: 'adam' },
  { type: 'group.unmute', data: () => ({}), by: 'adam' },
  { type: 'member.mute', data: () => ({ user: 'max', seconds: 60 }), by: 'adam' },
  { type: 'member.unmute', data: () => ({ user: 'max' }), by: 'adam' },
  { type: 'group.dissolve', data: () => ({}), by: 'olivia' },
  { type: 'message.send', data: () => ({ content: text }), by: 'max' },
  { type: 'message.edit', data: (actor, { own }) => ({ target: own.get(actor) ?? 1, content: text }), by: 'max' },
  { type: 'message.recall', data: (actor, { own }) => ({ target: own.get(actor) ?? 1 }), by: 'max' },
  { type: 'message.delete-for-me', data: (actor, { own }) => ({ targets: [own.get(actor) ?? 1] }), by: 'max' },
  { type: 'conversation.read', data: () => ({ upTo: 1 }), by: 'max' },
  { type: 'notifications.configure', data: () => ({ mode: 'none' }), by: 'max' },
  { type: 'reaction.add', data: (_, { own }) => ({ target: own.get('max')!, key: '👍' }), by: 'max' },
  { type: 'message.pin', data: (_, { own }) => ({ target: own.get('max')! }), by: 'adam' },
]

/** Commands a non-member may send by design: opening a conversation, joining an open group. Burning is Seqline's alone. */
const NOT_MEMBER_WRITES = new Set<CommandType>(['conversation.create-direct', 'group.create', 'group.join', 'channel.create'])
const ELSEWHERE = new Set<CommandType>([
  'burn.configure',
  'message.burn',
  'retention.configure',
  'content.erase',
  // Decided on what the actor did before (test/unit/decide-reactions.test.ts, decide-pins.test.ts): a stranger has nothing to take back.
  'reaction.remove',
  'message.unpin',
])

describe('only members write to a conversation log', () => {
  test('every command type is covered here or named as an exception', () => {
    const covered = new Set<CommandType>([...GROUP_CASES.map((k) => k.type), ...NOT_MEMBER_WRITES, ...ELSEWHERE])
    assert.deepEqual([...covered].sort(), [...COMMAND_TYPES].sort())
  })

  for (const k of GROUP_CASES) {
    describe(k.type, () => {
      for (const [who, actor] of [
        ['a member who left', 'mia'],
        ['a kicked admin', 'ada'],
        ['a stranger', 'sam'],
      ] as const) {
        test(`${who} is NOT_MEMBER`, () => {
          const cast = castWithFormerMembers()
          const before = cast.c.state.seq
          const decide = cast.c.decide as (a: string, t: CommandType, d: unknown) => ReturnType<Conversation['decide']>
          assert.equal(refusalOf(decide.call(cast.c, actor, k.type, k.data(actor, cast))), 'NOT_MEMBER')
          assert.equal(cast.c.state.seq, before)
        })
      }

      test(`a current member (${k.by}) is accepted`, () => {
        const cast = castWithFormerMembers()
        const decide = cast.c.decide as (a: string, t: CommandType, d: unknown) => ReturnType<Conversation['decide']>
        const decision = decide.call(cast.c, k.by, k.type, k.data(k.by, cast))
        // Accepted (unmuting what is not muted is accepted with nothing to write).
        assert.ok(decision.ok, `refused: ${decision.ok ? '' : decision.refusal.code}`)
      })
    })
  }

  test('burn.configure: a stranger to the direct conversation is NOT_MEMBER', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('sam', 'burn.configure', { enabled: true })), 'NOT_MEMBER')
  })

  test('message.burn: no user burns, member or not; only Seqline does', () => {
    const c = directChat('adam', 'zoe')
    for (const actor of ['adam', 'sam']) assert.equal(refusalOf(c.decide(actor, 'message.burn', { target: 1 })), 'FORBIDDEN_ROLE')
  })

  test('group.join: a former member comes back only through an open group', () => {
    const { c } = castWithFormerMembers()
    assert.equal(refusalOf(c.decide('mia', 'group.join', {})), 'JOIN_CLOSED')
  })

  test('Seqline itself hides and reads nothing: it has no view', () => {
    const { c } = castWithFormerMembers()
    assert.equal(refusalOf(c.decide(SYSTEM, 'message.delete-for-me', { targets: [1] })), 'NOT_MEMBER')
    assert.equal(refusalOf(c.decide(SYSTEM, 'conversation.read', { upTo: 1 })), 'NOT_MEMBER')
  })
})
