import assert from 'node:assert/strict'
import type Type from 'typebox'
import type { DecidableCommand, Decision, TargetMessage } from '../../core/domain/decision.js'
import type { RefusalCode } from '../../core/domain/index.js'
import { type ConversationState, createDecider, type Decider, directConversationId, initialState } from '../../core/domain/index.js'
import { DEFAULT_POLICY, type Policy } from '../../core/domain/policy.js'
import { type CommandData, type CommandOf, type CommandType, TARGETING_COMMANDS } from '../../schemas/commands.js'
import { describeErrors, EVENT_VERSION, type PendingEvent, type SeqlineEvent, validateCommand, validateEvent } from '../../schemas/index.js'

/** A fixed clock origin, so that every timestamp in a scenario is predictable. */
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0)

export const SYSTEM = '@system'

/** A log-style event id: exactly 22 characters of [A-Za-z0-9_-]. */
export function eventId(seq: number): string {
  return `ev${String(seq).padStart(20, '0')}`
}

/** A well-formed message.sent event as stored, with fields replaced (even by invalid values) for validation tests. */
export function sentEvent(overrides: Record<string, unknown> = {}) {
  return {
    id: eventId(1),
    type: 'message.sent',
    conv: 'g_team',
    seq: 1,
    at: 1_700_000_000_000,
    actor: 'alice',
    v: 1,
    cmd: 'c-1',
    data: { content: { type: 'text', text: 'hi' } },
    ...overrides,
  }
}

export interface EnvelopeOptions {
  conv?: string
  actor?: string
  firstSeq?: number
  at?: number
  cmd?: string
}

/** Gives pending events the positions the log would: consecutive seqs, ids, timestamp, version. */
export function toEnvelopes(pending: PendingEvent[], opts: EnvelopeOptions = {}): SeqlineEvent[] {
  const first = opts.firstSeq ?? 1
  return pending.map((p, i) => {
    const seq = first + i
    return {
      ...p,
      id: eventId(seq),
      conv: opts.conv ?? 'g_test',
      seq,
      at: opts.at ?? T0,
      actor: opts.actor ?? 'alice',
      v: EVENT_VERSION[p.type],
      cmd: opts.cmd ?? `cmd-${seq}`,
    } as SeqlineEvent
  })
}

export function foldEvents(events: SeqlineEvent[], state: ConversationState = initialState()): ConversationState {
  return events.reduce(evolveWith, state)
}

function evolveWith(state: ConversationState, event: SeqlineEvent): ConversationState {
  return createDecider().evolve(state, event)
}

/** The data of a command of type K. */
export type DataOf<K extends CommandType> = Type.Static<CommandData[K]>

export interface When {
  /** The clock the handler would pass; defaults to the conversation's clock. */
  now?: number
  /** Overrides the target the handler would load; null means the log has nothing at that seq. */
  target?: TargetMessage | null
  /** What the handler found in the other member's own log: whether they block the actor. */
  blocked?: boolean
}

/**
 * One conversation driven the way the command handler drives it: commands are
 * validated, decided against the folded state, and accepted events are given
 * envelopes, validated and evolved. `decide` is the "when" of a scenario and
 * leaves the log alone; `run` is the "given" and appends.
 */
export class Conversation {
  readonly decider: Decider
  state: ConversationState
  readonly log: SeqlineEvent[] = []
  /** Epoch ms used as command metadata.now and as the `at` of appended events. */
  now = T0
  private commandCount = 0

  constructor(
    readonly conv: string,
    policy: Policy = DEFAULT_POLICY,
  ) {
    this.decider = createDecider(policy)
    this.state = this.decider.initialState()
  }

  decide<K extends CommandType>(actor: string, type: K, data: DataOf<K>, when: When = {}): Decision {
    const command = { type, id: `cmd-${++this.commandCount}`, conv: this.conv, actor, data }
    // The decider trusts its input to be schema-valid; a scenario built on an invalid command would prove nothing.
    const valid = validateCommand(command)
    if (!valid.ok) assert.fail(`scenario command is invalid: ${describeErrors(valid.errors)}`)
    const metadata = {
      now: when.now ?? this.now,
      ...this.targetFor(type, data, when),
      ...this.editsFor(type, data),
      ...this.contentsFor(type, data),
      ...(when.blocked ? { blocked: true } : {}),
    }
    return this.decider.decide({ ...command, metadata } as DecidableCommand, this.state)
  }

  run<K extends CommandType>(actor: string, type: K, data: DataOf<K>, when: When = {}): PendingEvent[] {
    const events = eventsOf(this.decide(actor, type, data, when))
    this.append(actor, events, `cmd-${this.commandCount}`)
    return events
  }

  /** Sends a text message and returns its seq. */
  say(actor: string, text: string): number {
    this.run(actor, 'message.send', { content: { type: 'text', text } })
    return this.state.seq
  }

  /** Appends events as the log would, refusing anything the log would refuse. */
  append(actor: string, events: PendingEvent[], cmd: string): void {
    // The log writes a command's events atomically only if there is at most one.
    assert.ok(events.length <= 1, `a command produced ${events.length} events`)
    const envelopes = toEnvelopes(events, { conv: this.conv, actor, firstSeq: this.state.seq + 1, at: this.now, cmd })
    for (const envelope of envelopes) {
      const valid = validateEvent(envelope)
      if (!valid.ok) assert.fail(`decided event is invalid: ${describeErrors(valid.errors)}`)
      this.log.push(envelope)
      this.state = this.decider.evolve(this.state, envelope)
    }
  }

  /** What the handler loads for a targeting command: the event at that seq, or null. */
  targetAt(seq: number): TargetMessage | null {
    const event = this.log.find((e) => e.seq === seq)
    if (!event) return null
    const target: TargetMessage = { seq: event.seq, type: event.type, actor: event.actor, at: event.at }
    if (event.type === 'message.sent') {
      target.contentType = event.data.content.type
      if (event.data.burnAfter !== undefined) target.burnAfter = event.data.burnAfter
      if (event.data.thread !== undefined) target.thread = event.data.thread.root
    }
    return target
  }

  /** What the handler loads for a burn's edit list: the message each listed seq edits, or null. */
  private editsFor(type: CommandType, data: unknown): { edits?: Map<number, number | null> } {
    const edits = new Map<number, number | null>()
    if (type === 'message.recall' && (data as { erase?: boolean }).erase) {
      // What the handler reads for an erasing recall: every edit after the target, with what it edits.
      for (const event of this.log.slice((data as { target: number }).target)) {
        if (event.type === 'message.edited') edits.set(event.seq, event.data.target)
      }
      return { edits }
    }
    if (type !== 'message.burn') return {}
    for (const seq of (data as { edits?: number[] }).edits ?? []) {
      const event = this.log[seq - 1]
      edits.set(seq, event?.type === 'message.edited' ? event.data.target : null)
    }
    return { edits }
  }

  /** What the handler loads for an erasure: the event at each target seq, or null. */
  private contentsFor(type: CommandType, data: unknown): { contents?: Map<number, TargetMessage | null> } {
    if (type !== 'content.erase') return {}
    return { contents: new Map((data as { targets: number[] }).targets.map((seq) => [seq, this.targetAt(seq)])) }
  }

  private targetFor(type: CommandType, data: unknown, when: When): { target?: TargetMessage | null } {
    if ('target' in when) return { target: when.target }
    // A thread reply: the handler loads its root as it loads an edit's target.
    const root = type === 'message.send' ? (data as { thread?: number }).thread : undefined
    if (root !== undefined) return { target: this.targetAt(root) }
    if (!TARGETING_COMMANDS.has(type)) return {}
    return { target: this.targetAt((data as { target: number }).target) }
  }
}

/** A direct conversation between two users, created by the first. */
export function directChat(a: string, b: string, policy?: Policy): Conversation {
  const c = new Conversation(directConversationId(a, b), policy)
  c.run(a, 'conversation.create-direct', { peer: b })
  return c
}

export interface GroupSetup {
  owner: string
  admins?: string[]
  members?: string[]
  joinable?: boolean
}

export function groupChat(conv: string, setup: GroupSetup, policy?: Policy): Conversation {
  const c = new Conversation(conv, policy)
  const data: CommandOf<'group.create'>['data'] = { name: 'Team', joinable: setup.joinable ?? false }
  if (setup.admins) data.admins = setup.admins
  if (setup.members) data.members = setup.members
  c.run(setup.owner, 'group.create', data)
  return c
}

/** The usual cast: owner olivia, admins adam and ada, members mia and max. */
export function team(policy?: Policy, joinable = false): Conversation {
  return groupChat('g_team', { owner: 'olivia', admins: ['adam', 'ada'], members: ['mia', 'max'], joinable }, policy)
}

export function eventsOf(d: Decision): PendingEvent[] {
  if (!d.ok) assert.fail(`expected events, got refusal ${d.refusal.code}: ${d.refusal.message}`)
  return d.events
}

export function refusalOf(d: Decision): RefusalCode {
  if (d.ok) assert.fail(`expected a refusal, got events ${JSON.stringify(d.events)}`)
  return d.refusal.code
}
