import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { eventIdOf, msgIdOf } from '../../core/commands/ids.js'
import type { DecidableCommand, TargetMessage } from '../../core/domain/decision.js'
import { type ConversationState, createDecider, REFUSALS, rememberedSeq } from '../../core/domain/index.js'
import type { Policy } from '../../core/domain/policy.js'
import type { MessageContent } from '../../schemas/index.js'
import {
  type Command,
  type CommandType,
  describeErrors,
  EVENT_TYPES,
  EVENT_VERSION,
  type SeqlineEvent,
  TARGETING_COMMANDS,
  validateCommand,
  validateEvent,
} from '../../schemas/index.js'
import { ConversationModel, SYSTEM } from './domain-model.js'
import { checkProperty, fuzzRuns, fuzzSeed } from './seed.js'

/*
 * Random command sequences from random actors (members, strangers, former
 * members, @system) against one conversation, driven the way the command
 * handler drives the decider: remembered command ids are answered without
 * deciding, targeting commands get the stored event at their seq (null when
 * there is none or it was erased), accepted events get the next seq and are
 * validated and folded with evolve. After every step the decision and the
 * state are compared with an independent model (./domain-model.ts), and the
 * invariants are checked on their own.
 */

const USERS = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus'] as const
const GROUP = 'g_fuzz'
const DIRECT = 'd~ann~bob'
const CHANNEL = 'c_fuzz'
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0)
const DAY = 24 * 3600 * 1000
const POSTING = new Set<CommandType>(['message.send', 'message.edit'])
/** Commands a user who is not a member may have accepted: creating and joining. Nothing else of an outsider reaches the log. */
const OUTSIDER_WRITES = new Set<CommandType>(['conversation.create-direct', 'group.create', 'group.join', 'channel.create'])

// ---- blueprints: state-independent choices, resolved against the conversation when they run ----

interface UserPick {
  /** Pick among the current members (when there are any) rather than among everyone. */
  member: boolean
  n: number
}
interface SeqPick {
  kind: 'message' | 'any' | 'beyond'
  n: number
}
/** One command: its type, who sends it under which id, and the choices its data is made of (only those its type uses). */
interface CommandOp {
  op: 'command'
  type: CommandType
  actor: UserPick & { system: boolean }
  /** Shared ids collide across commands and actors on purpose; the others are fresh. */
  id: { shared: boolean; n: number }
  user?: UserPick
  users?: UserPick[]
  role?: 'admin' | 'member'
  seconds?: number
  content?: MessageContent
  mentions?: { users?: UserPick[]; all?: boolean }
  replyTo?: SeqPick
  thread?: SeqPick
  target?: SeqPick
  targets?: SeqPick[]
  enabled?: boolean
  burnSeconds?: number
  info?: { name?: string; notice?: string; avatar?: string; joinable?: boolean }
  group?: { name: string; joinable?: boolean; members?: string[]; admins?: string[] }
  edits?: 'none' | 'all' | 'some' | 'stray'
  erase?: boolean
  days?: number | null
  /** An erasure: by retention (its policy, and how far before the policy's cut-off it cuts), or of the user picked. */
  erasure?: { reason: 'retention' | 'user-erasure'; days: number; slack: number }
  mode?: 'all' | 'mentions' | 'none'
  /** ms from now to a notification setting's end: negative ones have passed. */
  untilIn?: number
  reactionKey?: string
}
type Op =
  | CommandOp
  | { op: 'tick'; ms: number }
  /** Moves the clock to a mute's end or a recall window's close, give or take a millisecond. */
  | { op: 'deadline'; n: number; offset: number }
  /** Sends the command sent `back` commands ago again, as a client retrying would. */
  | { op: 'retry'; back: number }
  /** Several messages by members in a row: pushes the log along, past each actor's 16 remembered command ids. */
  | { op: 'burst'; count: number; n: number }

const userPick = fc.record({ member: fc.boolean(), n: fc.nat(50) })
const seqPick = fc.record({ kind: fc.constantFrom('message', 'message', 'any', 'beyond'), n: fc.nat(1000) }) as fc.Arbitrary<SeqPick>
const text = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' })
const content: fc.Arbitrary<MessageContent> = fc.oneof(
  { weight: 6, arbitrary: text.map((t) => ({ type: 'text' as const, text: t })) },
  { weight: 1, arbitrary: fc.constant({ type: 'image' as const, url: 'https://img.example/a.png', width: 10, height: 10 }) },
  { weight: 1, arbitrary: fc.nat(1e6).map((size) => ({ type: 'file' as const, url: 'https://files.example/f', name: 'f.txt', size })) },
  { weight: 2, arbitrary: fc.nat(9).map((n) => ({ type: 'custom' as const, kind: 'card', payload: { n } })) },
)
const COMMAND_WEIGHTS: Array<[CommandType, number]> = [
  ['message.send', 10],
  ['message.edit', 3],
  ['message.recall', 3],
  ['conversation.read', 3],
  ['message.delete-for-me', 2],
  ['group.invite', 3],
  ['group.join', 2],
  ['group.leave', 2],
  ['group.kick', 2],
  ['group.change-role', 2],
  ['group.transfer-ownership', 2],
  ['group.update-info', 2],
  ['group.mute', 2],
  ['group.unmute', 2],
  ['member.mute', 3],
  ['member.unmute', 2],
  ['group.dissolve', 1],
  ['burn.configure', 2],
  ['notifications.configure', 2],
  ['message.burn', 2],
  ['retention.configure', 1],
  ['content.erase', 2],
  ['conversation.create-direct', 1],
  ['group.create', 1],
  ['channel.create', 1],
  ['reaction.add', 12],
  ['reaction.remove', 5],
  ['message.pin', 4],
  ['message.unpin', 3],
]
const someUsers = (max: number) => fc.subarray([...USERS], { maxLength: max })

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 })
const mentions = fc.record({ users: fc.array(userPick, { maxLength: 2 }), all: fc.boolean() }, { requiredKeys: [] })
const info = fc
  .record({ name: text, notice: fc.string({ maxLength: 8 }), avatar: fc.constant('https://img.example/g.png'), joinable: fc.boolean() }, { requiredKeys: [] })
  .filter((o) => Object.keys(o).length > 0)
const group = fc.record({ name: text, joinable: fc.boolean(), members: someUsers(4), admins: someUsers(2) }, { requiredKeys: ['name'] })
const muteSeconds = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 366 * 24 * 3600 }) })

/** The choices each command type is made of. */
const ARGS: Record<CommandType, fc.Arbitrary<Partial<CommandOp>>> = {
  'conversation.create-direct': fc.record({ user: userPick }),
  'group.create': fc.record({ group }),
  'group.invite': fc.record({ users: fc.array(userPick, { minLength: 1, maxLength: 3 }) }),
  'group.join': fc.constant({}),
  'group.leave': fc.constant({}),
  'group.kick': fc.record({ user: userPick }),
  'group.change-role': fc.record({ user: userPick, role: fc.constantFrom('admin' as const, 'member' as const) }),
  'group.transfer-ownership': fc.record({ user: userPick }),
  'group.update-info': fc.record({ info }),
  'group.mute': fc.constant({}),
  'group.unmute': fc.constant({}),
  'member.mute': fc.record({ user: userPick, seconds: muteSeconds }),
  'member.unmute': fc.record({ user: userPick }),
  'group.dissolve': fc.constant({}),
  'message.send': fc.record({ content, mentions: optional(mentions), replyTo: optional(seqPick), thread: optional(seqPick) }),
  'message.edit': fc.record({ target: seqPick, content }),
  'message.recall': fc.record({ target: seqPick, erase: optional(fc.boolean()) }),
  'message.delete-for-me': fc.record({ targets: fc.array(seqPick, { minLength: 1, maxLength: 3 }) }),
  'conversation.read': fc.record({ target: seqPick }),
  'burn.configure': fc.record({ enabled: fc.boolean(), burnSeconds: optional(fc.integer({ min: 1, max: 120 })) }),
  'notifications.configure': fc.record({
    mode: fc.constantFrom('all' as const, 'mentions' as const, 'none' as const),
    untilIn: optional(fc.integer({ min: -60_000, max: 600_000 })),
  }),
  'message.burn': fc.record({ target: seqPick, edits: fc.constantFrom('none' as const, 'all' as const, 'some' as const, 'stray' as const) }),
  'retention.configure': fc.record({ days: fc.constantFrom(null, 1, 30) }),
  'content.erase': fc.record({
    targets: fc.array(seqPick, { minLength: 1, maxLength: 3 }),
    user: userPick,
    erasure: fc.record({
      reason: fc.constantFrom('retention' as const, 'user-erasure' as const),
      days: fc.constantFrom(1, 2),
      // -1: a cut-off closer to now than the policy allows.
      slack: fc.constantFrom(-1, 0, 0, 60_000),
    }),
  }),
  'channel.create': fc.record({ group }),
  'reaction.add': fc.record({ target: seqPick, reactionKey: fc.constantFrom('👍', '❤️', 'tada', 'x', 'y') }),
  'reaction.remove': fc.record({ target: seqPick, reactionKey: fc.constantFrom('👍', '❤️', 'tada', 'x', 'y') }),
  'message.pin': fc.record({ target: seqPick }),
  'message.unpin': fc.record({ target: seqPick }),
}

const actor = fc.record({
  system: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  member: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  n: fc.nat(50),
})
const commandId = fc.record({ shared: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), n: fc.nat(3) })

function commandOf(type: CommandType): fc.Arbitrary<CommandOp> {
  return fc.record({ actor, id: commandId, args: ARGS[type] }).map(({ actor, id, args }) => ({ op: 'command' as const, type, actor, id, ...args }))
}

const commandOp = fc.oneof(...COMMAND_WEIGHTS.map(([type, weight]) => ({ weight, arbitrary: commandOf(type) })))

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: commandOp },
  {
    weight: 3,
    // Days pass too, now and then: a retention policy counts in days.
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1000, max: 200_000 }), fc.constant(0), fc.constant(2 * DAY))
      .map((ms) => ({ op: 'tick' as const, ms })),
  },
  { weight: 2, arbitrary: fc.record({ n: fc.nat(20), offset: fc.integer({ min: -1, max: 1 }) }).map((d) => ({ op: 'deadline' as const, ...d })) },
  { weight: 2, arbitrary: fc.nat(80).map((back) => ({ op: 'retry' as const, back })) },
  { weight: 1, arbitrary: fc.record({ count: fc.integer({ min: 1, max: 30 }), n: fc.nat(50) }).map((b) => ({ op: 'burst' as const, ...b })) },
)

/** Proper creates: the direct pair, or a group with a few members and admins. */
const openers = fc.record({
  // user.n 1: the peer is the other of the pair (see resolve).
  direct: commandOf('conversation.create-direct').map((op) => ({ ...op, actor: { ...op.actor, system: false }, user: { member: false, n: 1 } })),
  group: fc
    .tuple(
      commandOf('group.create'),
      fc.record({ name: text, joinable: fc.boolean(), members: someUsers(3), admins: someUsers(1) }, { requiredKeys: ['name'] }),
    )
    .map(([op, group]) => ({ ...op, group })),
  channel: fc
    .tuple(
      commandOf('channel.create'),
      fc.record({ name: text, joinable: fc.boolean(), members: someUsers(3), admins: someUsers(1) }, { requiredKeys: ['name'] }),
    )
    .map(([op, group]) => ({ ...op, group })),
})

/** A run: one conversation, a policy, and the operations, usually starting with a proper create. */
const run = fc.record({
  direct: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 3, arbitrary: fc.constant(true) }),
  policy: fc
    .record({
      recallWindowSeconds: fc.constantFrom(120, 5),
      maxGroupMembers: fc.constantFrom(4, 6, 10_000),
      burnDefaultSeconds: fc.constantFrom(30, 7),
      maxChannelMembers: fc.constantFrom(5, 100_000),
      maxReactionKeys: fc.constantFrom(20, 2),
      maxPins: fc.constantFrom(10, 1),
    })
    // Derived, not drawn: a drawn field would shift the seeded runs' stream. With the short burn a message takes one edit,
    // or none at all with the short recall window too (editing switched off), so EDIT_LIMIT is reached.
    .map((p) => ({ ...p, maxEditsPerMessage: p.burnDefaultSeconds !== 7 ? 1000 : p.recallWindowSeconds === 5 ? 0 : 1 })),
  channel: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  opener: fc.oneof({ weight: 19, arbitrary: fc.constant('create' as const) }, { weight: 1, arbitrary: commandOp }),
  ops: fc.array(op, { minLength: 5, maxLength: 45, size: 'max' }),
})

const BURST: CommandOp = { op: 'command', type: 'message.send', actor: { system: false, member: true, n: 0 }, id: { shared: false, n: 0 } }

// ---- the harness: the decider driven as the command handler drives it ----

class Harness {
  readonly decider
  state: ConversationState
  readonly model: ConversationModel
  readonly log: SeqlineEvent[] = []
  readonly erased = new Set<number>()
  readonly sent: Command[] = []
  now = T0
  private fresh = 0
  readonly tally = { accepted: 0, unchanged: 0, refused: 0, duplicates: 0 }
  /** Refusal codes and event types seen, to show what the runs covered. */
  readonly seen = new Map<string, number>()

  constructor(
    readonly conv: string,
    policy: Policy,
  ) {
    this.decider = createDecider(policy)
    this.state = readOnly(this.decider.initialState())
    this.model = new ConversationModel(conv, policy)
  }

  // -- resolving blueprints --

  private user(p: UserPick): string {
    const members = [...this.model.members.keys()].sort()
    return p.member && members.length > 0 ? members[p.n % members.length]! : USERS[p.n % USERS.length]!
  }

  private users(ps: UserPick[]): string[] {
    return [...new Set(ps.map((p) => this.user(p)))]
  }

  private seq(p: SeqPick, burnable = false): number {
    const head = this.model.seq
    if (p.kind === 'beyond') return head + 1 + (p.n % 3)
    if (p.kind === 'message') {
      const all = [...this.model.messages.values()]
      const preferred = burnable ? all.filter((m) => m.burnAfter) : all
      const pool = preferred.length > 0 ? preferred : all
      if (pool.length > 0) return pool[p.n % pool.length]!.seq
    }
    return 1 + (p.n % Math.max(head, 1))
  }

  /** For what attaches to messages: one of the last few messages, so that keys and pins pile up on them. */
  private recent(p: SeqPick): number {
    const latest = [...this.model.messages.keys()].slice(-2)
    return p.kind === 'message' && latest.length > 0 ? latest[p.n % latest.length]! : this.seq(p)
  }

  resolve(o: CommandOp): Command {
    // Burns are Seqline's own act, mostly; a direct conversation is mostly opened by one of its pair.
    const pair = o.type === 'conversation.create-direct' && this.conv === DIRECT && o.user!.n % 4 !== 0
    const actor =
      o.actor.system || ((o.type === 'message.burn' || o.type === 'content.erase') && o.actor.n % 5 !== 0)
        ? SYSTEM
        : pair
          ? o.actor.n % 2
            ? 'ann'
            : 'bob'
          : this.user(o.actor)
    const id = o.id.shared ? `c${o.id.n}` : `x${++this.fresh}`
    const data = this.data(o, actor)
    return { type: o.type, id, conv: this.conv, actor, data } as Command
  }

  private data(o: CommandOp, actor: string): Record<string, unknown> {
    // Each type's arbitrary (ARGS) supplies the fields its case reads.
    const r = o as Required<CommandOp>
    switch (o.type) {
      case 'conversation.create-direct': {
        // In a direct run, the proper pair most of the time.
        const peer = this.conv === DIRECT && r.user.n % 4 !== 0 ? (actor === 'ann' ? 'bob' : 'ann') : this.user(r.user)
        return { peer }
      }
      case 'group.create':
        return r.group
      case 'channel.create': {
        const { members, ...rest } = r.group
        return members === undefined ? rest : { ...rest, subscribers: members }
      }
      case 'group.invite':
        return { users: this.users(r.users) }
      case 'group.join':
      case 'group.leave':
      case 'group.mute':
      case 'group.unmute':
      case 'group.dissolve':
        return {}
      case 'group.kick':
      case 'member.unmute':
        return { user: this.user(r.user) }
      case 'group.change-role':
        return { user: this.user(r.user), role: r.role }
      case 'group.transfer-ownership':
        return { to: this.user(r.user) }
      case 'group.update-info':
        return r.info
      case 'member.mute':
        return { user: this.user(r.user), seconds: r.seconds }
      case 'message.send': {
        const data: Record<string, unknown> = { content: r.content }
        if (o.mentions) {
          const mentions: { users?: string[]; all?: boolean } = {}
          if (o.mentions.users) mentions.users = this.users(o.mentions.users)
          if (o.mentions.all !== undefined) mentions.all = o.mentions.all
          data.mentions = mentions
        }
        if (o.replyTo) data.replyTo = this.seq(o.replyTo)
        if (o.thread) data.thread = this.seq(o.thread)
        return data
      }
      case 'message.edit':
        return { target: this.seq(r.target), content: r.content }
      case 'message.recall':
        return o.erase === undefined ? { target: this.seq(r.target) } : { target: this.seq(r.target), erase: o.erase }
      case 'message.delete-for-me':
        return { targets: [...new Set(r.targets.map((t) => this.seq(t)))] }
      case 'conversation.read':
        return { upTo: this.seq(r.target) }
      case 'burn.configure':
        return o.burnSeconds === undefined ? { enabled: r.enabled } : { enabled: r.enabled, seconds: o.burnSeconds }
      case 'notifications.configure':
        return o.untilIn === undefined ? { mode: r.mode } : { mode: r.mode, until: Math.max(0, this.now + o.untilIn) }
      case 'message.burn': {
        const target = this.seq(r.target, true)
        const edits = this.model.messages.get(target)?.edits ?? []
        const chosen =
          r.edits === 'all' ? edits : r.edits === 'some' ? edits.slice(0, 1) : r.edits === 'stray' ? [...edits, target % 2 ? target : this.model.seq + 1] : []
        return chosen.length > 0 ? { target, edits: chosen } : { target }
      }
      case 'retention.configure':
        return { days: o.days ?? null }
      case 'content.erase': {
        const targets = [...new Set(r.targets.map((t) => this.seq(t)))]
        const { reason, days, slack } = r.erasure
        if (reason === 'retention') return { reason, days, before: this.now - days * DAY - slack, targets }
        return { reason, user: this.user(r.user), request: 'r1', targets }
      }
      case 'reaction.add':
        return { target: this.recent(r.target), key: r.reactionKey }
      case 'reaction.remove': {
        // Mostly one of the actor's own reactions, so that removals happen; otherwise any pick.
        const own = [...this.model.messages.values()].flatMap((m) =>
          (m.reactions ?? []).filter((p) => p.startsWith(`${actor} `)).map((p) => [m.seq, p] as const),
        )
        const pick = r.target.kind === 'message' ? own[r.target.n % Math.max(own.length, 1)] : undefined
        return pick ? { target: pick[0], key: pick[1].slice(actor.length + 1) } : { target: this.seq(r.target), key: r.reactionKey }
      }
      case 'message.pin':
        return { target: this.recent(r.target) }
      case 'message.unpin': {
        const pinned = this.model.pinned
        return { target: r.target.kind === 'message' && pinned.length > 0 ? pinned[r.target.n % pinned.length]! : this.seq(r.target) }
      }
    }
  }

  /** The n-th upcoming moment a rule changes its answer: a mute ends, a recall window closes; or now. */
  deadline(n: number): number {
    const window = this.model.policy.recallWindowSeconds * 1000
    const moments = [
      ...[...this.model.members.values()].map((m) => m.mutedUntil),
      ...[...this.model.heldMutes.values()],
      ...[...this.model.messages.values()].map((m) => m.at + window),
    ].filter((t) => t >= this.now)
    return moments.length > 0 ? moments.sort((a, b) => a - b)[n % moments.length]! : this.now
  }

  // -- running --

  /** What the handler loads for a targeting command: the stored event at that seq, or null. */
  private targetAt(seq: number): TargetMessage | null {
    if (seq > this.state.seq || this.erased.has(seq)) return null
    const event = this.log[seq - 1]!
    const target: TargetMessage = { seq: event.seq, type: event.type, actor: event.actor, at: event.at }
    if (event.type === 'message.sent') {
      target.contentType = event.data.content.type
      if (event.data.burnAfter !== undefined) target.burnAfter = event.data.burnAfter
      if (event.data.thread !== undefined) target.thread = event.data.thread.root
    }
    return target
  }

  /** What the handler loads for a burn's edit list: the message each stored edit edits, or null. */
  private editTargets(seqs: number[]): Map<number, number | null> {
    const targets = new Map<number, number | null>()
    for (const seq of seqs) {
      const event = seq <= this.state.seq && !this.erased.has(seq) ? this.log[seq - 1] : undefined
      targets.set(seq, event?.type === 'message.edited' ? event.data.target : null)
    }
    return targets
  }

  execute(c: Command, step: number): void {
    const where = () => `step ${step}: ${JSON.stringify(c)} at T0+${this.now - T0} ms`
    const valid = validateCommand(c)
    if (!valid.ok) assert.fail(`the generator made an invalid command (${where()}): ${describeErrors(valid.errors)}`)
    this.sent.push(c)
    const model = this.model

    // Idempotency: a command id the state remembers is answered with its original seq, nothing decided or written.
    const expected = model.remembered(c.actor, c.id)
    const remembered = rememberedSeq(this.state, c.actor, c.id)
    check(remembered === expected, () => `retry answered with ${remembered}, the model expects ${expected} (${where()})`)
    if (remembered !== undefined) {
      check(this.log[remembered - 1]?.cmd === c.id, () => `a retry answered with seq ${remembered}, not its event (${where()})`)
      this.tally.duplicates++
      return
    }

    // The other member of a direct conversation blocks the actor at some steps: the handler would pass that in.
    const blocked = step % 5 === 2
    const root = c.type === 'message.send' ? c.data.thread : undefined
    const metadata = {
      now: this.now,
      ...(blocked ? { blocked } : {}),
      ...(root === undefined ? {} : { target: this.targetAt(root) }),
      ...(TARGETING_COMMANDS.has(c.type) ? { target: this.targetAt((c.data as { target: number }).target) } : {}),
      ...(c.type === 'message.burn' ? { edits: this.editTargets(c.data.edits ?? []) } : {}),
      ...(c.type === 'content.erase' ? { contents: new Map(c.data.targets.map((seq) => [seq, this.targetAt(seq)])) } : {}),
    }
    const command = { ...c, metadata } as DecidableCommand
    // The state is read-only (see readOnly): a decide that changed it would throw here.
    const decision = this.decider.decide(command, this.state)
    same(this.decider.decide(command, this.state), decision, () => `deciding twice gave two answers (${where()})`)

    // Invariants, stated on their own before the model is consulted.
    const actorRole = model.members.get(c.actor)?.role
    // Erasing content is no write by anyone to the group: a dissolved group's history is erased like any other.
    if (model.dissolved && c.type !== 'content.erase') check(!decision.ok, () => `a dissolved group accepted ${c.type} (${where()})`)
    if (POSTING.has(c.type) && model.groupMuted && c.actor !== SYSTEM && actorRole !== 'owner' && actorRole !== 'admin') {
      check(!decision.ok, () => `a muted group let a ${actorRole ?? 'stranger'} post (${where()})`)
    }
    if (POSTING.has(c.type) && model.kind === 'channel' && actorRole === 'member') {
      check(!decision.ok, () => `a subscriber posted in a channel (${where()})`)
    }
    if (POSTING.has(c.type) && model.mutedUntil(c.actor) > this.now) {
      check(!decision.ok, () => `a member muted until T0+${model.mutedUntil(c.actor) - T0} ms posted (${where()})`)
    }
    if (!decision.ok) {
      const { code, message } = decision.refusal
      check(code in REFUSALS, () => `unknown refusal code ${code} (${where()})`)
      check(message.startsWith(REFUSALS[code]), () => `refusal message ${message} does not name its rule (${where()})`)
    } else {
      check(decision.events.length <= 1, () => `a command produced ${decision.events.length} events (${where()})`)
      const event = decision.events[0]
      if (event && c.actor !== SYSTEM && !actorRole) {
        check(OUTSIDER_WRITES.has(c.type), () => `${c.actor}, not a member, wrote ${event.type} (${where()})`)
      }
      if (event?.type === 'member.kicked' || event?.type === 'member.role_changed') {
        check(model.members.get(event.data.user)?.role !== 'owner', () => `the owner was ${event.type === 'member.kicked' ? 'kicked' : 'demoted'} (${where()})`)
      }
      if (event?.type === 'member.left') check(actorRole !== 'owner', () => `the owner left (${where()})`)
    }

    // The model's verdict.
    const verdict = model.judge(c, this.now, blocked)
    if ('refuse' in verdict) {
      const codes = () => [...verdict.refuse].join(', ')
      if (decision.ok) assert.fail(`accepted with ${JSON.stringify(decision.events)}, the model refuses: ${codes()} (${where()})`)
      check(verdict.refuse.has(decision.refusal.code), () => `refused with ${decision.refusal.code}, the model expects one of ${codes()} (${where()})`)
      this.tally.refused++
      this.seen.set(decision.refusal.code, (this.seen.get(decision.refusal.code) ?? 0) + 1)
      return
    }
    if (!decision.ok) assert.fail(`refused with ${decision.refusal.code} (${decision.refusal.message}), the model accepts (${where()})`)
    const pending = decision.events[0]
    if (verdict.event === null) {
      check(pending === undefined, () => `the model expects no change, the decider wrote ${pending?.type} (${where()})`)
      this.tally.unchanged++
      return
    }
    if (pending?.type !== verdict.event) assert.fail(`wrote ${pending?.type}, the model expects ${verdict.event} (${where()})`)

    // Append as the handler does: the next seq, an id from the msg id, validated, folded.
    const seq = this.state.seq + 1
    const event = {
      id: eventIdOf(msgIdOf(c.conv, c.actor, c.id)),
      ...pending,
      conv: c.conv,
      seq,
      at: this.now,
      actor: c.actor,
      v: EVENT_VERSION[pending.type],
      cmd: c.id,
    } as SeqlineEvent
    const checked = validateEvent(event)
    if (!checked.ok) assert.fail(`the decider produced an invalid event: ${describeErrors(checked.errors)} (${where()})`)
    check(this.log.length === seq - 1 && (this.log.at(-1)?.seq ?? 0) === seq - 1, () => `seq ${seq} would not continue the log densely (${where()})`)
    this.log.push(event)
    if (event.type === 'message.burned') for (const s of [event.data.target, ...(event.data.edits ?? [])]) this.erased.add(s)
    if (event.type === 'content.erased') for (const t of event.data.targets) for (const s of [t.seq, ...(t.edits ?? [])]) this.erased.add(s)
    this.state = readOnly(this.decider.evolve(this.state, event))
    check(model.commit(c, verdict) === seq, () => `the model put the event elsewhere (${where()})`)
    this.tally.accepted++
    this.seen.set(event.type, (this.seen.get(event.type) ?? 0) + 1)
  }

  /** The decider's state against the model's. */
  compare(step: number): void {
    const s = this.state
    const m = this.model
    const where = () => `after step ${step}`
    same(s.kind, m.kind, () => `kind (${where()})`)
    same(s.seq, m.seq, () => `seq (${where()})`)
    same(this.log.length, m.seq, () => `events in the log (${where()})`)
    same(new Map(s.members), m.members, () => `members, roles and mutes (${where()})`)
    same(new Map(s.former), m.former, () => `former members and leave seqs (${where()})`)
    same([s.groupMuted, s.dissolved, s.joinable], [m.groupMuted, m.dissolved, m.joinable], () => `group mute, dissolved, joinable (${where()})`)
    same({ ...s.burn }, m.burn, () => `burn setting (${where()})`)
    const gone = new Map<number, string>()
    for (const message of m.messages.values()) if (message.gone) gone.set(message.seq, message.gone)
    same(new Map(s.gone), gone, () => `recalled and burned messages (${where()})`)
    if (m.kind === 'group' || m.kind === 'channel') check(m.owners().length === 1, () => `a group has ${m.owners().length} owners (${where()})`)
    const reactions = [...s.reactions].flatMap(([seq, keys]) => [...keys].flatMap(([key, users]) => [...users].map((u) => `${seq} ${u} ${key}`)))
    const modelled = [...m.messages.values()].flatMap((message) => (message.reactions ?? []).map((pair) => `${message.seq} ${pair}`))
    same(reactions.sort(), modelled.sort(), () => `reactions (${where()})`)
    same(
      s.pins.map((p) => p.seq),
      m.pinned,
      () => `pinned messages in pin order (${where()})`,
    )
    if (m.kind === 'direct') check(m.members.size === 2, () => `a direct conversation has ${m.members.size} members (${where()})`)
  }
}

/** A map that refuses every change: decide must treat the state it is given as a value. */
class ReadOnlyMap<K, V> extends Map<K, V> {
  private sealed = false
  constructor(entries: Iterable<readonly [K, V]>) {
    super(entries)
    this.sealed = true
  }
  override set(key: K, value: V): this {
    if (this.sealed) throw new TypeError(`decide or evolve changed a map of the state it was given (set ${String(key)})`)
    return super.set(key, value)
  }
  override delete(key: K): boolean {
    throw new TypeError(`decide or evolve changed a map of the state it was given (delete ${String(key)})`)
  }
  override clear(): void {
    throw new TypeError('decide or evolve cleared a map of the state it was given')
  }
}

/** A set that refuses every change, like ReadOnlyMap. */
class ReadOnlySet<V> extends Set<V> {
  private sealed = false
  constructor(values: Iterable<V>) {
    super(values)
    this.sealed = true
  }
  override add(value: V): this {
    if (this.sealed) throw new TypeError(`decide or evolve changed a set of the state it was given (add ${String(value)})`)
    return super.add(value)
  }
  override delete(value: V): boolean {
    throw new TypeError(`decide or evolve changed a set of the state it was given (delete ${String(value)})`)
  }
  override clear(): void {
    throw new TypeError('decide or evolve cleared a set of the state it was given')
  }
}

/**
 * The state as decide and evolve get it: frozen, maps that refuse changes, frozen
 * members. Any change to it throws at once, which costs far less than comparing
 * a copy after every decision.
 */
function readOnly(state: ConversationState): ConversationState {
  const freezeValues = <K, V>(m: ReadonlyMap<K, V>) =>
    new ReadOnlyMap([...m].map(([k, v]) => [k, typeof v === 'object' && v !== null ? Object.freeze({ ...v }) : v] as const))
  return Object.freeze({
    ...state,
    members: freezeValues(state.members),
    former: freezeValues(state.former),
    formerMutes: freezeValues(state.formerMutes),
    gone: freezeValues(state.gone),
    edits: new ReadOnlyMap([...state.edits].map(([seq, edits]) => [seq, Object.freeze([...edits])] as const)),
    burn: Object.freeze({ ...state.burn }),
    reactions: new ReadOnlyMap(
      [...state.reactions].map(([seq, keys]) => [seq, new ReadOnlyMap([...keys].map(([k, users]) => [k, new ReadOnlySet(users)] as const))] as const),
    ),
    pins: Object.freeze(state.pins.map((p) => Object.freeze({ ...p }))),
    recent: Object.freeze(new Map([...state.recent].map(([actor, cmds]) => [actor, Object.freeze(cmds.map((r) => Object.freeze({ ...r })))]))),
  })
}

/** assert.ok with the message built only on failure: a run makes hundreds of thousands of checks. */
function check(ok: boolean, message: () => string): void {
  if (!ok) assert.fail(message())
}

/** Deep strict equality (Maps compared as maps, in any order), with a diff on failure. */
function same(actual: unknown, expected: unknown, message: () => string): void {
  if (!isDeepStrictEqual(actual, expected)) assert.deepStrictEqual(actual, expected, message())
}

test('decider: random command sequences keep every rule, against an independent model', async (t) => {
  const seed = fuzzSeed(20251123)
  const numRuns = fuzzRuns(3000)
  const total = { accepted: 0, unchanged: 0, refused: 0, duplicates: 0, steps: 0 }
  const seen = new Map<string, number>()
  const started = Date.now()
  await checkProperty(
    fc.property(run, openers, ({ direct, channel, policy, opener, ops }, creators) => {
      const h = new Harness(direct ? DIRECT : channel ? CHANNEL : GROUP, policy)
      const first = opener === 'create' ? undefined : opener
      const all: Op[] = [first ?? (direct ? creators.direct : channel ? creators.channel : creators.group), ...ops]
      all.forEach((o, step) => {
        if (o.op === 'tick') h.now += o.ms
        else if (o.op === 'deadline') h.now = Math.max(h.now, h.deadline(o.n) + o.offset)
        else if (o.op === 'retry') {
          if (h.sent.length > 0) h.execute(h.sent[h.sent.length - 1 - (o.back % h.sent.length)]!, step)
        } else if (o.op === 'burst') {
          for (let i = 0; i < o.count; i++) {
            h.execute(h.resolve({ ...BURST, actor: { system: false, member: true, n: o.n + i }, content: { type: 'text', text: `burst ${i}` } }), step)
            h.compare(step)
          }
        } else h.execute(h.resolve(o), step)
        h.compare(step)
      })
      for (const [k, v] of Object.entries(h.tally)) total[k as keyof typeof h.tally] += v
      total.steps += all.length
      for (const [k, v] of h.seen) seen.set(k, (seen.get(k) ?? 0) + v)
      return true
    }),
    { seed, numRuns, name: 'decider fuzz' },
  )
  const commands = total.accepted + total.unchanged + total.refused + total.duplicates
  t.diagnostic(`seed ${seed}, ${numRuns} runs, ${total.steps} operations, ${commands} commands in ${Date.now() - started} ms: ${JSON.stringify(total)}`)
  t.diagnostic(
    `covered: ${[...seen]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  )
  // The generator must reach every rule, or the runs prove less than they seem to.
  const missing = [...Object.keys(REFUSALS), ...EVENT_TYPES].filter((k) => !seen.has(k))
  if (numRuns >= 1000) assert.deepEqual(missing, [], `never reached: ${missing.join(', ')}`)
})
