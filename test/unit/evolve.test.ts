import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { evolve } from '../../core/domain/index.js'
import { type ConversationState, initialState, ownerOf, REMEMBERED_ACTORS, REMEMBERED_PER_ACTOR, rememberedSeq } from '../../core/domain/state.js'
import { EVENT_TYPES, type PendingEvent, type SeqlineEvent } from '../../schemas/index.js'
import { foldEvents, toEnvelopes } from './scenario.js'

const hi = { content: { type: 'text' as const, text: 'hi' } }

const groupCreated: PendingEvent = {
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
}

/** A group's life touching every group event type, seq 1..n. */
const groupLife: PendingEvent[] = [
  groupCreated,
  { type: 'member.invited', data: { users: ['sam', 'sue'] } },
  { type: 'member.joined', data: { user: 'jo' } },
  { type: 'message.sent', data: hi },
  { type: 'message.edited', data: { target: 4, content: { type: 'text', text: 'hello' } } },
  { type: 'member.left', data: { user: 'sue' } },
  { type: 'member.kicked', data: { user: 'sam' } },
  { type: 'member.role_changed', data: { user: 'mia', role: 'admin' } },
  { type: 'group.ownership_transferred', data: { from: 'olivia', to: 'mia' } },
  { type: 'group.info_updated', data: { name: 'Crew', joinable: true } },
  { type: 'group.muted', data: {} },
  { type: 'group.unmuted', data: {} },
  { type: 'member.muted', data: { user: 'max', until: 1_000_000 } },
  { type: 'member.unmuted', data: { user: 'max' } },
  { type: 'message.recalled', data: { target: 4, erase: true } },
  { type: 'message.deleted_for_me', data: { targets: [4, 5] } },
  { type: 'conversation.read', data: { upTo: 16 } },
  { type: 'group.dissolved', data: {} },
]

/** A direct conversation's life touching the burn, retention and erasure event types. */
const directLife: PendingEvent[] = [
  { type: 'conversation.created', data: { kind: 'direct', members: ['adam', 'zoe'] } },
  { type: 'burn.configured', data: { enabled: true, seconds: 10 } },
  { type: 'message.sent', data: { ...hi, burnAfter: 10 } },
  { type: 'message.burned', data: { target: 3 } },
  { type: 'retention.configured', data: { days: 30 } },
  { type: 'message.sent', data: hi },
  { type: 'message.edited', data: { target: 6, content: { type: 'text', text: 'hello' } } },
  { type: 'content.erased', data: { reason: 'retention', days: 30, before: 1, targets: [{ seq: 6, edits: [7] }] } },
  { type: 'message.sent', data: hi },
  { type: 'reaction.added', data: { target: 9, key: '👍' } },
  { type: 'message.pinned', data: { target: 9 } },
  { type: 'reaction.removed', data: { target: 9, key: '👍' } },
  { type: 'message.unpinned', data: { target: 9 } },
  { type: 'notifications.configured', data: { mode: 'mentions' } },
]

const groupLog = toEnvelopes(groupLife, { conv: 'g_team', actor: 'olivia' })
const directLog = toEnvelopes(directLife, { conv: 'd~adam~zoe', actor: 'adam' })

/** The state after the events up to and including `seq`. */
function groupAt(seq: number): ConversationState {
  return foldEvents(groupLog.slice(0, seq))
}

function event(log: SeqlineEvent[], seq: number): SeqlineEvent {
  const e = log[seq - 1]
  assert.ok(e, `no event at ${seq}`)
  return e
}

/** A deep copy of a state, its persistent member maps as plain Maps (structuredClone keeps no class). */
function snapshot(s: ConversationState): ConversationState {
  return structuredClone({ ...s, members: new Map(s.members), former: new Map(s.former), formerMutes: new Map(s.formerMutes) })
}

describe('evolve is pure', () => {
  test('the lives below touch every event type', () => {
    const covered = new Set([...groupLog, ...directLog].map((e) => e.type))
    assert.deepEqual([...covered].sort(), [...EVENT_TYPES].sort())
  })

  for (const [name, log] of [
    ['group', groupLog],
    ['direct', directLog],
  ] as const) {
    test(`no ${name} event changes the state it is applied to, then or later`, () => {
      const states: ConversationState[] = [initialState()]
      const snapshots: ConversationState[] = [snapshot(initialState())]
      for (const e of log) {
        const before = states[states.length - 1]!
        const after = evolve(before, e)
        assert.notEqual(after, before)
        assert.deepEqual(snapshot(before), snapshots[snapshots.length - 1], `${e.type} changed its input state`)
        states.push(after)
        snapshots.push(snapshot(after))
      }
      // A later event must not reach back into an earlier state through a shared map either.
      for (const [i, s] of states.entries()) assert.deepEqual(snapshot(s), snapshots[i], `state ${i} changed after the fact`)
    })
  }

  test('evolving the same state twice gives equal results', () => {
    const before = groupAt(8)
    assert.deepEqual(evolve(before, event(groupLog, 9)), evolve(before, event(groupLog, 9)))
  })
})

describe('evolve, event by event', () => {
  test('the initial state is an empty, unmuted conversation that does not exist', () => {
    const s = initialState()
    assert.equal(s.kind, 'none')
    assert.equal(s.seq, 0)
    assert.equal(s.members.size, 0)
    assert.equal(s.dissolved, false)
    assert.equal(s.groupMuted, false)
  })

  test('every event moves seq to its own seq', () => {
    for (const [i, e] of groupLog.entries()) assert.equal(groupAt(i + 1).seq, e.seq)
  })

  test('seq is the event seq, not a count of events: the log may skip', () => {
    const far = event(toEnvelopes([{ type: 'message.sent', data: hi }], { firstSeq: 40 }), 1)
    assert.equal(evolve(groupAt(3), far).seq, 40)
  })

  test('a direct conversation has both users as plain members', () => {
    const s = foldEvents(directLog.slice(0, 1))
    assert.equal(s.kind, 'direct')
    assert.deepEqual(
      [...s.members],
      [
        ['adam', { role: 'member', mutedUntil: 0 }],
        ['zoe', { role: 'member', mutedUntil: 0 }],
      ],
    )
  })

  test('a group has the roles and joinability it was created with', () => {
    const s = groupAt(1)
    assert.equal(s.kind, 'group')
    assert.equal(s.joinable, false)
    assert.deepEqual(
      [...s.members].map(([u, m]) => [u, m.role]),
      [
        ['olivia', 'owner'],
        ['adam', 'admin'],
        ['mia', 'member'],
        ['max', 'member'],
      ],
    )
    assert.equal(ownerOf(s), 'olivia')
  })

  test('invited and joined users are plain members', () => {
    const s = groupAt(3)
    assert.equal(s.members.get('sam')?.role, 'member')
    assert.equal(s.members.get('sue')?.role, 'member')
    assert.equal(s.members.get('jo')?.role, 'member')
  })

  test('leaving and being kicked make a former member at that seq', () => {
    const s = groupAt(7)
    assert.equal(s.members.has('sue'), false)
    assert.equal(s.members.has('sam'), false)
    assert.deepEqual(
      [...s.former],
      [
        ['sue', 6],
        ['sam', 7],
      ],
    )
  })

  test('an invitation brings a former member back and forgets the leave seq', () => {
    const back = evolve(groupAt(7), event(toEnvelopes([{ type: 'member.invited', data: { users: ['sue'] } }], { firstSeq: 8 }), 1))
    assert.equal(back.members.get('sue')?.role, 'member')
    assert.equal(back.former.has('sue'), false)
    assert.equal(back.former.get('sam'), 7)
  })

  test('a role change applies the role', () => {
    assert.equal(groupAt(8).members.get('mia')?.role, 'admin')
  })

  test('an ownership transfer makes the old owner an admin', () => {
    const s = groupAt(9)
    assert.equal(s.members.get('mia')?.role, 'owner')
    assert.equal(s.members.get('olivia')?.role, 'admin')
    assert.equal(ownerOf(s), 'mia')
  })

  test('an info update changes joinability only when it says so', () => {
    assert.equal(groupAt(10).joinable, true)
    const nameOnly = toEnvelopes([{ type: 'group.info_updated', data: { name: 'Other' } }], { firstSeq: 11 })
    assert.equal(foldEvents(nameOnly, groupAt(10)).joinable, true)
  })

  test('group mute and unmute flip groupMuted', () => {
    assert.equal(groupAt(11).groupMuted, true)
    assert.equal(groupAt(12).groupMuted, false)
  })

  test('a member mute records until; an unmute clears it', () => {
    assert.equal(groupAt(13).members.get('max')?.mutedUntil, 1_000_000)
    assert.equal(groupAt(14).members.get('max')?.mutedUntil, 0)
  })

  test('a mute of someone who is not a member changes nothing but seq', () => {
    const before = groupAt(7)
    const stray = event(toEnvelopes([{ type: 'member.muted', data: { user: 'sam', until: 5 } }], { firstSeq: 8 }), 1)
    const after = evolve(before, stray)
    assert.equal(after.members, before.members)
    assert.equal(after.members.has('sam'), false)
  })

  test('a recall marks the target recalled', () => {
    assert.deepEqual([...groupAt(15).gone], [[4, 'recalled']])
  })

  test('a dissolution marks the group dissolved', () => {
    assert.equal(groupAt(17).dissolved, false)
    assert.equal(groupAt(18).dissolved, true)
  })

  test('burn configuration and burns land in the state', () => {
    const s = foldEvents(directLog.slice(0, 4))
    assert.deepEqual(s.burn, { enabled: true, seconds: 10 })
    assert.deepEqual([...s.gone], [[3, 'burned']])
  })

  test("a user's notification setting changes nothing the decider needs", () => {
    const before = foldEvents(directLog.slice(0, -1))
    assert.deepEqual({ ...foldEvents(directLog), seq: 0, recent: [] }, { ...before, seq: 0, recent: [] })
  })

  test('messages, deletions for one user and reads change nothing the decider needs', () => {
    for (const seq of [4, 16, 17]) {
      const before = groupAt(seq - 1)
      const after = groupAt(seq)
      assert.deepEqual({ ...after, seq: 0, recent: [] }, { ...before, seq: 0, recent: [] }, `event at ${seq}`)
    }
  })
})

describe('edits and erasures', () => {
  const directAt = (seq: number) => foldEvents(directLog.slice(0, seq))

  test('an edit is kept with its message, for an erasure to name, until the content leaves the log', () => {
    assert.deepEqual([...groupAt(5).edits], [[4, [5]]])
    assert.deepEqual({ ...groupAt(5), edits: new Map(), seq: 0, recent: [] }, { ...groupAt(4), seq: 0, recent: [] }, 'nothing else changes')
    assert.deepEqual([...groupAt(15).edits], [], 'a recall with erase takes them')
    assert.deepEqual([...directAt(7).edits], [[6, [7]]])
    assert.deepEqual([...directAt(8).edits], [], 'an erasure takes them')
  })

  test("an erasure marks each target erased; a conversation's own policy is kept", () => {
    assert.equal(directAt(8).gone.get(6), 'erased')
    assert.equal(directAt(5).retention, 30)
    assert.equal(directAt(4).retention, null)
  })
})

describe('remembered commands', () => {
  test('each event remembers its actor and command id with its seq', () => {
    const s = groupAt(3)
    assert.equal(rememberedSeq(s, 'olivia', 'cmd-2'), 2)
    assert.equal(rememberedSeq(s, 'olivia', 'cmd-9'), undefined)
    assert.equal(rememberedSeq(s, 'adam', 'cmd-2'), undefined)
  })

  test(`each actor's last ${REMEMBERED_PER_ACTOR} are kept, however many others write meanwhile`, () => {
    const sends: PendingEvent[] = Array.from({ length: REMEMBERED_PER_ACTOR + 5 }, () => ({ type: 'message.sent', data: hi }))
    const s = foldEvents(toEnvelopes(sends, { firstSeq: 2 }), groupAt(1))
    assert.equal(s.recent.get('alice')?.length, REMEMBERED_PER_ACTOR)
    assert.equal(rememberedSeq(s, 'alice', 'cmd-6'), undefined)
    assert.equal(rememberedSeq(s, 'alice', 'cmd-7'), 7)
    assert.equal(rememberedSeq(s, 'alice', `cmd-${s.seq}`), s.seq)
    // Many more events by others: alice's own are still answered.
    const others: PendingEvent[] = Array.from({ length: 500 }, () => ({ type: 'message.sent', data: hi }))
    const later = foldEvents(toEnvelopes(others, { firstSeq: s.seq + 1, actor: 'bob' }), s)
    assert.equal(rememberedSeq(later, 'alice', `cmd-${s.seq}`), s.seq)
    assert.equal(rememberedSeq(later, 'bob', `cmd-${later.seq}`), later.seq)
  })

  test(`only the ${REMEMBERED_ACTORS} actors who wrote most recently are kept`, () => {
    let s = groupAt(1)
    const write = (actor: string) => (s = foldEvents(toEnvelopes([{ type: 'message.sent', data: hi }], { firstSeq: s.seq + 1, actor }), s))
    write('first')
    for (let i = 0; i < REMEMBERED_ACTORS - 1; i++) write(`a${i}`)
    assert.equal(rememberedSeq(s, 'first', 'cmd-2'), 2, `${REMEMBERED_ACTORS} actors: all kept`)
    write('one-more')
    assert.equal(s.recent.size, REMEMBERED_ACTORS)
    assert.equal(rememberedSeq(s, 'first', 'cmd-2'), undefined, 'the actor whose last command is oldest is forgotten')
    assert.equal(rememberedSeq(s, 'a0', 'cmd-3'), 3)
  })
})
