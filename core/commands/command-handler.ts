import { LRUCache } from 'lru-cache'
import {
  type Command,
  EVENT_VERSION,
  type EventType,
  type FieldError,
  type SeqlineEvent,
  TARGETING_COMMANDS,
  type ValidCommand,
  validateCommand,
} from '../../schemas/index.js'
import type { Decider, Refusal, TargetMessage } from '../domain/index.js'
import { BLOCKABLE_COMMANDS, type ConversationState, rememberedSeq } from '../domain/index.js'
import { chainFor, type EventLog, encodeVouched, eventHash, type Head, isUnavailable, LogUnavailableError, type StoredEvent } from '../log/index.js'
import { type BeforeHook, type BeforeHooks, contextOf, type HookVerdict } from './before-hooks.js'
import { eventIdOf, msgIdOf } from './ids.js'
import { KeyedQueue } from './keyed-queue.js'
import { type Loaded, stateCache } from './state-cache.js'

/** Recently sent or targeted messages whose target facts are kept (some 200 bytes each). */
const TARGETS_KEPT = 20_000
/**
 * How long a conversation this process lost an append race on stays with its
 * partition's writer once nothing more is sent to it here, and how many such
 * conversations are remembered.
 */
const CONTENDED_MS = 30_000
const CONTENDED_KEPT = 10_000

/** Some 20,000 to 100,000 direct conversations (by how many recent commands each remembers), or far fewer large groups. */
const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024

export type HandleResult =
  /**
   * Accepted. `event` is absent when the command changed nothing (e.g. muting a muted group);
   * `json` is the event's JSON as the log stored it, when this handler encoded it, for answers that carry the event.
   */
  | { ok: true; seq: number; event?: SeqlineEvent; json?: string; duplicate: boolean }
  | { ok: false; reason: 'refused'; refusal: Refusal }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  /** A before-hook refused the command, or could not be asked and refuses on failure: nothing was appended. */
  | { ok: false; reason: 'hooked'; verdict: HookRefusal }

/** A hook's refusal: its own (with its code and message), or its failure under `onFailure: "reject"`. */
export type HookRefusal = Extract<HookVerdict, { action: 'reject' | 'unavailable' }>

/** What the hooks made of a command: the command to store (maybe rewritten), or the answer to give instead. */
type Hooked = { ok: true; command: ValidCommand } | { ok: false; result: HandleResult }

export interface HandlerOptions {
  /** Memory, in estimated bytes, for the conversation states kept so the hot path never replays. */
  cacheBytes?: number
  clock?: () => number
  /** Decide-append rounds lost to concurrent writers before giving up. */
  maxConflicts?: number
  /** Asked about each command the decider accepts, before its append (see before-hooks.ts); none by default. */
  hooks?: BeforeHooks
  /** Whether an actor is a bot: its events are marked `bot: true` in the envelope, for clients to show. */
  isBot?: (actor: string) => boolean
  /** Whether `blocker` blocks `user` (read from the blocker's own log, core/users); nobody is blocked when absent. */
  blocks?: BlockLookup
  /**
   * Told, as each command handled here gets its turn, how long (ms) it waited
   * for the earlier work of its conversation (commands, and the state reads
   * this handler serves). Called inside the turn: it must not throw.
   */
  onTurn?: (waitedMs: number) => void
}

/** The one question the handler asks about blocks, for the commands blocking applies to in a direct conversation. */
type BlockLookup = (blocker: string, user: string) => Promise<boolean>

const NONE: readonly BeforeHook[] = []
const NO_HOOKS: BeforeHooks = { for: () => NONE }

/** Thrown when the log cannot confirm an append (or answer a read); the outcome is unknown and a retry with the same command id is safe. */
export { LogUnavailableError }

/** Thrown when a command's caller went away before the command's turn came: it was not executed, and a retry with the same id is safe. */
export class AbandonedError extends Error {
  override readonly name = 'AbandonedError'
}

/** Thrown when other writers kept winning the same conversation for maxConflicts rounds. */
export class ContentionError extends Error {
  override readonly name = 'ContentionError'
}

/**
 * Events whose data the decider copies from the command or takes from typed
 * values and already checked events: with the command validated, their
 * schema holds by construction (the decider's tests check every event it
 * builds against it), so their append does not check it again. These are the
 * hot ones. The rest carry lists the decider reads from the log, which no
 * command schema bounded (a recall's or a burn's edits), or are rare: their
 * append still checks them.
 */
const BUILT_FROM_COMMAND: ReadonlySet<EventType> = new Set<EventType>(['message.sent', 'message.edited', 'conversation.read'])

/** Sends a command to the process that writes its partition; undefined when that is this one. */
export interface Forwarder {
  forward(command: ValidCommand, abandoned?: AbortSignal): Promise<HandleResult> | undefined
}

/** Load state, decide, append: the glue the API and CLI call for every write, over any EventLog and a decider. */
export class CommandHandler {
  private readonly cache: ReturnType<typeof stateCache>
  private readonly queue = new KeyedQueue()
  private readonly clock: () => number
  private readonly maxConflicts: number
  private readonly hooks: BeforeHooks
  private readonly isBot: (actor: string) => boolean
  /**
   * Messages commands target (a reaction, a pin, an edit), by conversation and seq: the
   * event at a seq never changes, and one erased since is gone in the state the decider
   * checks first, so a target once loaded (or appended here) is not read from the log again.
   */
  private readonly targets = new LRUCache<string, TargetMessage>({ max: TARGETS_KEPT })
  private readonly blocks: BlockLookup | undefined
  private readonly onTurn: ((waitedMs: number) => void) | undefined
  private forwarder: Forwarder | undefined
  /** Conversations this process lost an append race on lately; each command sent to one keeps it here. */
  private readonly contended = new LRUCache<string, true>({ max: CONTENDED_KEPT, ttl: CONTENDED_MS, updateAgeOnHas: true })

  constructor(
    readonly log: EventLog,
    private readonly decider: Decider,
    opts: HandlerOptions = {},
  ) {
    this.cache = stateCache(opts.cacheBytes ?? DEFAULT_CACHE_BYTES)
    this.clock = opts.clock ?? Date.now
    this.maxConflicts = opts.maxConflicts ?? 25
    this.hooks = opts.hooks ?? NO_HOOKS
    this.isBot = opts.isBot ?? (() => false)
    this.blocks = opts.blocks
    this.onTurn = opts.onTurn
  }

  /** Validates untrusted input, then handles it. */
  async execute(input: unknown, abandoned?: AbortSignal): Promise<HandleResult> {
    const v = validateCommand(input)
    if (!v.ok) return { ok: false, reason: 'invalid', errors: v.errors }
    return this.handle(v.value, abandoned)
  }

  /**
   * Handles a command already validated (at the edge, or by execute). A command whose
   * `abandoned` signal fired while it queued behind others of its conversation
   * is dropped unexecuted: nobody waits for its answer, its client retries,
   * and under load such stale work would otherwise pile up in front of the
   * retries themselves. A forwarded command is dropped so at its writer once
   * this process has stopped waiting for it.
   */
  handle(command: ValidCommand, abandoned?: AbortSignal): Promise<HandleResult> {
    // Not while commands of it still queue here: a client's pipelined sends must not overtake each other.
    const forwarding = this.forwarder && this.contended.has(command.conv) && !this.queue.busy(command.conv)
    return (forwarding ? this.forwarder?.forward(command, abandoned) : undefined) ?? this.handleHere(command, abandoned)
  }

  /**
   * Commands of a conversation this process lost an append race on go to the
   * process writing its partition from then on, while they keep coming (see
   * WriteForwarder): another process writes it too, and each would otherwise
   * keep losing appends to the other and reading them back. A conversation
   * only this process writes stays here, with no hop. Without a forwarder
   * every command is handled here.
   */
  forwardTo(forwarder: Forwarder): void {
    this.forwarder = forwarder
  }

  /** Handles a command in this process, whoever writes its partition: what a forwarded command, or one nobody else takes, comes to. */
  handleHere(command: ValidCommand, abandoned?: { readonly aborted: boolean }): Promise<HandleResult> {
    const queued = performance.now()
    return this.queue.run(command.conv, () => {
      this.onTurn?.(performance.now() - queued)
      if (abandoned?.aborted) throw new AbandonedError(`${command.conv}: command ${command.id} abandoned by its caller before its turn`)
      return this.decideAndAppend(command)
    })
  }

  /**
   * The current state of a conversation, caught up with the log: other
   * processes may have written since this one cached it, and reads are
   * authorised from it.
   */
  state(conv: string): Promise<ConversationState> {
    return this.queue.run(conv, async () => (await this.catchUp(conv, await this.loaded(conv))).state)
  }

  private async decideAndAppend(sent: ValidCommand): Promise<HandleResult> {
    let command = sent
    let current = await this.loaded(command.conv)
    // Hooks are asked once per command: a round lost to another writer decides again on what they let through.
    let asked = false
    for (let round = 0; round < this.maxConflicts; round++) {
      const remembered = rememberedSeq(current.state, command.actor, command.id)
      if (remembered !== undefined) return this.original(command.conv, remembered)
      const now = this.clock()
      const decision = await this.decide(command, current.state, now)
      if (!decision.ok) {
        // A refusal is not checked by the log, so it must not rest on a stale cache: catch up, decide again if anything arrived.
        const fresh = await this.catchUp(command.conv, current)
        if (fresh.head.seq !== current.head.seq) {
          current = fresh
          continue
        }
        return { ok: false, reason: 'refused', refusal: decision.refusal }
      }
      const pending = decision.events[0]
      if (!pending) return { ok: true, seq: current.state.seq, duplicate: false }
      const hooks = asked ? NONE : this.hooks.for(command.type)
      asked = true
      if (hooks.length > 0) {
        const hooked = await this.askHooks(hooks, command, current.state)
        if (!hooked.ok) return this.refusedByHook(command, current, hooked.result)
        // Decided again as of now: the hooks took time, and may have rewritten the command.
        command = hooked.command
        round-- // not a round lost to another writer
        continue
      }
      const msgId = msgIdOf(command.conv, command.actor, command.id)
      const event = {
        id: eventIdOf(msgId),
        ...pending,
        conv: command.conv,
        seq: current.state.seq + 1,
        at: now,
        actor: command.actor,
        v: EVENT_VERSION[pending.type],
        cmd: command.id,
        ...(this.isBot(command.actor) ? { bot: true } : {}),
        // The envelope links the event to the one before it; the domain never sees the chain.
        chain: chainFor(pending.type, current.hash),
      } as SeqlineEvent
      const json = BUILT_FROM_COMMAND.has(event.type) ? encodeVouched(event) : undefined
      const result = await this.append(event, current.head, msgId)
      if (result.status === 'appended') {
        if (event.type === 'message.sent') this.targets.set(`${event.conv}#${event.seq}`, targetOf({ event, streamSeq: result.streamSeq }))
        this.cache.set(command.conv, {
          state: this.decider.evolve(current.state, event),
          head: { seq: event.seq, streamSeq: result.streamSeq },
          hash: eventHash(event),
        })
        return { ok: true, seq: event.seq, event, ...(json === undefined ? {} : { json }), duplicate: false }
      }
      if (result.status === 'conflict') this.contended.set(command.conv, true)
      current = await this.catchUp(command.conv, current)
      if (result.status === 'duplicate') return this.duplicateOf(command.conv, result.streamSeq)
    }
    throw new ContentionError(`${command.conv}: ${this.maxConflicts} concurrent writers won in a row; retry the command`)
  }

  /**
   * A hook's refusal, unless the command is in the log after all: like a
   * decider's refusal it is not checked by the log, and the state it was asked
   * on may be stale (a forwarded command handled here after its writer did
   * not answer in time, and had appended it meanwhile).
   */
  private async refusedByHook(command: ValidCommand, current: Loaded, refusal: HandleResult): Promise<HandleResult> {
    const fresh = await this.catchUp(command.conv, current)
    const remembered = rememberedSeq(fresh.state, command.actor, command.id)
    return remembered === undefined ? refusal : this.original(command.conv, remembered)
  }

  /**
   * The decider's answer, with what it needs read from the log (the targeted message or a reply's thread root,
   * a burn's or recall's edits) and from the other member's own log (whether they block the actor).
   */
  private async decide(command: ValidCommand, state: ConversationState, now: number) {
    const targetSeq = targetSeqOf(command)
    const [target, edits, contents, blocked] = await Promise.all([
      targetSeq === undefined ? undefined : this.target(command.conv, targetSeq, state),
      this.editsFor(command, state),
      command.type === 'content.erase' ? this.contentsAt(command.conv, command.data.targets, state) : undefined,
      this.blockedHere(command, state),
    ])
    const metadata = { now, target, edits, ...(contents ? { contents } : {}), ...(blocked ? { blocked } : {}) }
    return this.decider.decide({ ...command, metadata }, state)
  }

  /** Whether the other side of a direct conversation (or of one being opened) blocks the actor; asked only for the commands a block refuses. */
  private async blockedHere(command: ValidCommand, state: ConversationState): Promise<boolean> {
    if (!this.blocks || !BLOCKABLE_COMMANDS.has(command.type)) return false
    const peer = command.type === 'conversation.create-direct' ? command.data.peer : peerOf(state, command.actor)
    if (peer === undefined) return false
    try {
      return await this.blocks(peer, command.actor)
    } catch (err) {
      // Unanswered (a server restarting, the connection dropped): nothing was appended, so the send may be retried with its id.
      if (isUnavailable(err)) throw new LogUnavailableError(`the block check of ${peer} was not answered: ${(err as Error).message}`, { cause: err })
      throw err
    }
  }

  /**
   * Asks each hook of the command's type in turn. A rewrite is decided again before the next hook
   * sees it, so every hook judges a command the decider accepts; a refusal of the rewrite is the answer.
   */
  private async askHooks(hooks: readonly BeforeHook[], sent: ValidCommand, state: ConversationState): Promise<Hooked> {
    let command = sent
    for (const hook of hooks) {
      const verdict = await hook.ask(command, contextOf(state, command.actor))
      if (verdict.action === 'allow') continue
      if (verdict.action !== 'modify') return { ok: false, result: { ok: false, reason: 'hooked', verdict } }
      command = verdict.command
      const decision = await this.decide(command, state, this.clock())
      if (!decision.ok) return { ok: false, result: { ok: false, reason: 'refused', refusal: decision.refusal } }
    }
    return { ok: true, command }
  }

  private async append(event: SeqlineEvent, head: Head, msgId: string) {
    try {
      return await this.log.append(event, head, msgId)
    } catch (err) {
      // The append may or may not have landed: forget what we know so the next command reloads.
      this.cache.delete(event.conv)
      if (err instanceof LogUnavailableError) throw err
      throw new LogUnavailableError(`append to ${event.conv} not confirmed: ${(err as Error).message}`, { cause: err })
    }
  }

  private async loaded(conv: string): Promise<Loaded> {
    const cached = this.cache.get(conv)
    if (cached) return cached
    return this.catchUp(conv, { state: this.decider.initialState(), head: { seq: 0, streamSeq: 0 } })
  }

  /** Folds whatever the log holds beyond what we knew. */
  private async catchUp(conv: string, from: Loaded): Promise<Loaded> {
    const stored = await this.log.readAfter(conv, from.head.streamSeq)
    let { state, head } = from
    for (const s of stored) {
      state = this.decider.evolve(state, s.event)
      head = { seq: s.event.seq, streamSeq: s.streamSeq }
    }
    const newest = stored.at(-1)
    // Only the last event's hash is needed: the next append links to it.
    const hash = newest ? eventHash(newest.event) : from.hash
    const next: Loaded = hash === undefined ? { state, head } : { state, head, hash }
    // A conversation that does not exist is not cached: asking about random ids must not evict real ones.
    if (head.seq > 0) this.cache.set(conv, next)
    return next
  }

  private async target(conv: string, seq: number, state: ConversationState): Promise<TargetMessage | null> {
    if (seq > state.seq) return null
    const known = this.targets.get(`${conv}#${seq}`)
    if (known) return known
    const [stored] = await this.log.read(conv, { from: seq, limit: 1 })
    if (!stored || stored.event.seq !== seq) return null
    const target = targetOf(stored)
    this.targets.set(`${conv}#${seq}`, target)
    return target
  }

  /** The edits a burn lists or an erasing recall must name, with the message each edits, read from the log. */
  private async editsFor(command: Command, state: ConversationState): Promise<Map<number, number | null> | undefined> {
    if (command.type === 'message.burn') return this.editTargets(command.conv, command.data.edits ?? [], state)
    if (command.type === 'message.recall' && command.data.erase) return this.editsAfter(command.conv, command.data.target, state)
    return undefined
  }

  /**
   * Every edit stored after a message, up to the head the decision is made
   * against (an edit appended meanwhile makes the append conflict, and this
   * is read again). Edits may come at any time, so this reads the range.
   */
  private async editsAfter(conv: string, target: number, state: ConversationState): Promise<Map<number, number | null>> {
    const edits = new Map<number, number | null>()
    if (target >= state.seq) return edits
    for (const { event } of await this.log.read(conv, { from: target + 1, limit: state.seq - target })) {
      if (event.type === 'message.edited') edits.set(event.seq, event.data.target)
    }
    return edits
  }

  /** What each listed seq edits, read from the log, for a burn to check its edit list. */
  private async editTargets(conv: string, seqs: number[], state: ConversationState): Promise<Map<number, number | null>> {
    const targets = new Map<number, number | null>()
    for (const seq of seqs) {
      const [stored] = seq <= state.seq ? await this.log.read(conv, { from: seq, limit: 1 }) : []
      const event = stored?.event.seq === seq ? stored.event : undefined
      targets.set(seq, event?.type === 'message.edited' ? event.data.target : null)
    }
    return targets
  }

  /**
   * What the log holds at each seq an erasure names. Targets close together
   * (a retention erases runs of old messages) are read as one range; erased
   * seqs are holes, and a range read skips them.
   */
  private async contentsAt(conv: string, seqs: number[], state: ConversationState): Promise<Map<number, TargetMessage | null>> {
    const found = new Map<number, TargetMessage | null>(seqs.map((seq) => [seq, null]))
    for (const [from, to] of runsOf(seqs.filter((seq) => seq <= state.seq))) {
      for (const stored of await this.log.read(conv, { from, limit: to - from + 1 })) {
        if (found.has(stored.event.seq)) found.set(stored.event.seq, targetOf(stored))
      }
    }
    return found
  }

  private async original(conv: string, seq: number): Promise<HandleResult> {
    const [stored] = await this.log.read(conv, { from: seq, limit: 1 })
    const event = stored?.event.seq === seq ? stored.event : undefined
    return { ok: true, seq, event, duplicate: true }
  }

  private async duplicateOf(conv: string, streamSeq: number): Promise<HandleResult> {
    const stored = await this.log.atStreamSeq(this.log.partitionOf(conv), streamSeq)
    if (!stored) throw new LogUnavailableError(`${conv}: the original of a duplicate at stream seq ${streamSeq} is gone`)
    return { ok: true, seq: stored.event.seq, event: stored.event, duplicate: true }
  }
}

/** Seqs further apart than this are read separately rather than with everything between them. */
const RUN_GAP = 64

/** Sorted seqs as [first, last] runs whose neighbours lie within RUN_GAP of each other. */
function runsOf(seqs: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = []
  for (const seq of [...seqs].sort((a, b) => a - b)) {
    const last = runs.at(-1)
    if (last && seq - last[1] <= RUN_GAP) last[1] = seq
    else runs.push([seq, seq])
  }
  return runs
}

function targetOf({ event }: StoredEvent): TargetMessage {
  const base = { seq: event.seq, type: event.type, actor: event.actor, at: event.at }
  if (event.type !== 'message.sent') return base
  const thread = event.data.thread === undefined ? {} : { thread: event.data.thread.root }
  return { ...base, contentType: event.data.content.type, burnAfter: event.data.burnAfter, ...thread }
}

/** The earlier message a command acts on: the target of an edit, a recall or a burn, the root of a thread reply. */
function targetSeqOf(command: Command): number | undefined {
  if (TARGETING_COMMANDS.has(command.type)) return (command.data as { target: number }).target
  return command.type === 'message.send' ? command.data.thread : undefined
}

/** The other member of a direct conversation, when the actor is one of its two. */
function peerOf(state: ConversationState, actor: string): string | undefined {
  if (state.kind !== 'direct' || !state.members.has(actor)) return undefined
  for (const user of state.members.keys()) if (user !== actor) return user
  return undefined
}
