import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { NatsConnection } from '@nats-io/transport-node'
import type { CommandHandler } from '../../core/commands/index.js'
import { directConversationId } from '../../core/domain/index.js'
import type { Cursor, EventLog } from '../../core/log/index.js'
import { mulberry32, pick, type Rng } from '../../ops/bench/shared/random.js'
import { ConversationViews, conversationsProjection } from '../../projections/conversations/index.js'
import { CommitLog, openProjector, ViewStore } from '../../projections/runtime/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { onLines } from '../helpers/child-lines.js'
import { TEST_PARTITIONS, withLogServer } from '../helpers/log.js'
import { covers, differingKeys, dumpBucket, sortedRecords, streamEnds, waitCaughtUp } from '../helpers/views.js'

const PROJECTOR = fileURLToPath(new URL('../fixtures/projector.js', import.meta.url))

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']
const GROUPS = [
  { conv: 'g_pc_a', owner: 'alice', members: ['bob', 'carol', 'dave'] },
  { conv: 'g_pc_b', owner: 'bob', members: ['alice', 'erin', 'frank'] },
  { conv: 'g_pc_c', owner: 'carol', members: ['alice', 'bob', 'dave', 'erin', 'frank'] },
  { conv: 'g_pc_d', owner: 'dave', members: ['erin'] },
]
const DIRECTS = [
  ['alice', 'bob'],
  ['bob', 'carol'],
  ['carol', 'dave'],
  ['erin', 'frank'],
  ['dave', 'frank'],
] as const

const CRASHED = { bucket: 'views_crashed', name: 'crashed' }
const REFERENCE = { bucket: 'views_reference', name: 'reference' }

/** Kills of the projector; the first two land right after a start, the rest at random moments. */
const KILLS = 10
const MAX_KILL_DELAY_MS = 300
/** Events in the log before the first projector starts, so that it has a backlog to flush through. */
const PREFILL_EVENTS = 300
/** Steps every conversation takes at least, whatever the kill loop's pace. */
const MIN_STEPS = 120
const MAX_STEP_PAUSE_MS = 4
const READY_MS = 10_000
const CATCH_UP_MS = 15_000

describe('projection crash recovery against a real nats-server', () => {
  const t = withLogServer()

  test('a projector SIGKILLed at random moments ends with exactly the views of a clean replay', { timeout: 90_000 }, async (ctx) => {
    const seed = Number(process.env.SEQLINE_TEST_SEED ?? Date.now() % 2 ** 31)
    ctx.diagnostic(`seed ${seed} (set SEQLINE_TEST_SEED to replay the same workload and kill delays)`)
    const rng = mulberry32(seed)
    const workload = new Workload(t.handler, rng)
    const writing = workload.run(MIN_STEPS)
    writing.catch(() => undefined) // awaited below; this only keeps an early failure from being unhandled

    await waitFor(() => workload.events.length >= PREFILL_EVENTS, READY_MS, 'the workload prefill')
    let rounds: Round[]
    try {
      rounds = await crashRepeatedly(t.nats.url, t.nc, rng, () => workload.events.length)
    } finally {
      workload.stop() // writing goes on for exactly as long as the crashes do
    }
    await writing
    const crashedAt = await catchUpAndStop(t.nats.url, t.log)
    ctx.diagnostic(`${workload.events.length} events; kills: ${rounds.map((r) => `${r.progressed ? 'applying' : 'starting'}/+${r.appendedSince}`).join(' ')}`)
    await replayFromZero(t.log, t.nc)

    assert.deepEqual(workload.refusals, [], `seed ${seed}: the workload only issues commands it knows are allowed`)
    assertCoverage(workload.events)
    assert.ok(rounds.filter((r) => r.progressed).length >= 3, `seed ${seed}: some kills hit a projector that was applying events`)
    assert.ok(rounds.filter((r) => r.appendedSince > 0).length >= KILLS - 1, `seed ${seed}: appends went on between kills`)
    assert.ok(covers(crashedAt, await streamEnds(t.log)), `seed ${seed}: the crashed projector stopped at the end of the log`)

    const [crashed, reference] = await Promise.all([dumpBucket(t.nc, CRASHED.bucket), dumpBucket(t.nc, REFERENCE.bucket)])
    assert.ok(reference.size >= 50, `the reference views hold ${reference.size} records`)
    assert.deepEqual(differingKeys(crashed, reference), [], `seed ${seed}: records differ after crashes`)
    assert.deepEqual(sortedRecords(crashed), sortedRecords(reference))

    // Both runs share the projection code, so a double count would be the same in both: check against the workload itself.
    const views = await ConversationViews.open(t.nc, CRASHED.bucket)
    let unread = 0
    for (const user of USERS) {
      const expected = expectedInbox(workload.events, user)
      const rows = await views.inbox(user)
      const actual = new Map(rows.map((r) => [r.conv, { maxSeq: r.maxSeq, readSeq: r.readSeq, unread: r.unread, mentioned: r.mentioned }]))
      assert.deepEqual(sortedRecords(actual), sortedRecords(expected), `seed ${seed}: inbox of ${user}`)
      for (const row of expected.values()) unread += row.unread
    }
    assert.ok(unread > 0, 'the workload leaves unread messages, so the unread check is not vacuous')
  })
})

// ---------------------------------------------------------------------------
// Crashing the projector

interface Round {
  /** The projector printed a position beyond the one it recovered before it was killed. */
  progressed: boolean
  /** Events the workload appended while this projector ran. */
  appendedSince: number
}

/**
 * Starts the projector and SIGKILLs it, KILLS times, on the crashed bucket.
 * After every kill the commit log may only have moved forward: a restart
 * resumes from the last commit, never from an older one.
 */
async function crashRepeatedly(url: string, nc: NatsConnection, rng: Rng, appended: () => number): Promise<Round[]> {
  const commits = await CommitLog.open(nc, CRASHED.name)
  const rounds: Round[] = []
  let committed: Cursor = {}
  try {
    for (let round = 0; round < KILLS; round++) {
      const before = appended()
      const projector = startProjector(url, CRASHED)
      try {
        // One round in three dies during startup or recovery, the others while following (and flushing);
        // rounds 0 and 1 with no delay at all after the spawn, and after start() respectively.
        if (round % 3 !== 0) await within(projector.ready, READY_MS, `round ${round}: projector ready`)
        await sleep(round < 2 ? 0 : rng() * MAX_KILL_DELAY_MS)
      } finally {
        projector.child.kill('SIGKILL')
      }
      const exit = await projector.exited
      assert.equal(exit.signal, 'SIGKILL', `round ${round}: the projector exited by itself (${exit.code}): ${projector.errors.join('; ')}`)
      const now = (await commits.last())?.cursor ?? {}
      assert.ok(covers(now, committed), `round ${round}: the commit went back from ${JSON.stringify(committed)} to ${JSON.stringify(now)}`)
      committed = now
      rounds.push({ progressed: projector.moves > 0, appendedSince: appended() - before })
    }
  } finally {
    commits.close()
  }
  return rounds
}

/** One last projector run, once writing has stopped: it must reach the end of the log and commit it on SIGTERM. */
async function catchUpAndStop(url: string, log: EventLog): Promise<Cursor> {
  const projector = startProjector(url, CRASHED)
  try {
    await within(projector.ready, READY_MS, 'final projector ready')
    await waitCaughtUp(log, () => projector.position, CATCH_UP_MS)
    projector.child.kill('SIGTERM')
    const stoppedAt = await within(projector.stopped, READY_MS, 'final projector stopped')
    assert.deepEqual(await projector.exited, { code: 0, signal: null }, projector.errors.join('; '))
    return stoppedAt
  } finally {
    projector.child.kill('SIGKILL') // a no-op after a clean exit; otherwise no child outlives a failed assertion
  }
}

/** The reference: a fresh runner in this process, from the first event to the last, with no crash. */
async function replayFromZero(log: EventLog, nc: NatsConnection): Promise<void> {
  const store = await ViewStore.open(nc, REFERENCE.bucket)
  const runner = await openProjector(log, store, conversationsProjection(log, REFERENCE.name))
  await runner.start()
  try {
    await waitCaughtUp(log, () => runner.position, CATCH_UP_MS)
  } finally {
    await runner.stop()
    runner.close()
  }
  assert.equal(runner.error, null, 'the reference runner failed')
}

// ---------------------------------------------------------------------------
// The projector child process

interface Projector {
  child: ChildProcess
  /** The last position it printed. */
  position: Cursor
  /** Positions printed after the recovered one. */
  moves: number
  errors: string[]
  /** Resolves once start() returned; rejects if the process exits first. */
  ready: Promise<void>
  /** Resolves with the final position after a SIGTERM. */
  stopped: Promise<Cursor>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function startProjector(url: string, target: { bucket: string; name: string }): Projector {
  const child = spawn(process.execPath, [PROJECTOR, url, target.bucket, target.name, String(TEST_PARTITIONS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  let onReady!: () => void
  let onStopped!: (c: Cursor) => void
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve
    void exited.then((e) => reject(new Error(`projector exited before it was ready: ${JSON.stringify(e)}`)))
  })
  ready.catch(() => undefined) // only some rounds wait for it
  const stopped = new Promise<Cursor>((resolve) => (onStopped = resolve))
  const p: Projector = { child, position: {}, moves: 0, errors: [], ready, stopped, exited }
  onLines(child, (tag, rest) => {
    if (tag === 'READY') {
      p.position = JSON.parse(rest) as Cursor
      onReady()
    } else if (tag === 'POS') {
      p.position = JSON.parse(rest) as Cursor
      p.moves++
    } else if (tag === 'STOPPED') onStopped(JSON.parse(rest) as Cursor)
    else if (tag === 'ERR') p.errors.push(rest)
  })
  return p
}

// ---------------------------------------------------------------------------
// The workload: random but always-allowed commands, several conversations at once

/** What a conversation's script knows of it; exact, because only the script writes there. */
interface Script {
  conv: string
  kind: 'group' | 'direct'
  owner?: string
  members: Set<string>
  /** Muted users, members or not: a mute outlives leaving and rejoining. */
  muted: Set<string>
  groupMuted: boolean
  head: number
  live: Array<{ seq: number; actor: string }>
}

class Workload {
  readonly events: SeqlineEvent[] = []
  readonly refusals: string[] = []
  private stopping = false
  private commands = 0

  constructor(
    private readonly handler: CommandHandler,
    private readonly rng: Rng,
  ) {}

  run(minSteps: number): Promise<void> {
    const groups = GROUPS.map((g) => this.script(g.conv, 'group', [g.owner, ...g.members], g.owner))
    const directs = DIRECTS.map(([a, b]) => this.script(directConversationId(a, b), 'direct', [a, b]))
    return Promise.all([
      ...groups.map((s, i) => this.drive(s, minSteps, () => this.createGroup(s, GROUPS[i]!.members))),
      ...directs.map((s) => this.drive(s, minSteps, () => this.createDirect(s))),
    ]).then(() => undefined)
  }

  stop(): void {
    this.stopping = true
  }

  private script(conv: string, kind: Script['kind'], members: string[], owner?: string): Script {
    return { conv, kind, ...(owner ? { owner } : {}), members: new Set(members), muted: new Set(), groupMuted: false, head: 0, live: [] }
  }

  private async drive(s: Script, minSteps: number, create: () => Promise<unknown>): Promise<void> {
    await create()
    for (let step = 0; step < minSteps || !this.stopping; step++) {
      await (s.kind === 'group' ? this.groupStep(s) : this.directStep(s))
      await sleep(this.rng() * MAX_STEP_PAUSE_MS)
    }
  }

  private groupStep(s: Script): Promise<unknown> {
    const r = this.rng()
    if (r < 0.5) return this.send(s)
    if (r < 0.72) return this.read(s)
    if (r < 0.8) return this.edit(s)
    if (r < 0.86) return this.recall(s)
    if (r < 0.95) return this.membership(s)
    return this.mute(s)
  }

  private directStep(s: Script): Promise<unknown> {
    const r = this.rng()
    if (r < 0.6) return this.send(s)
    if (r < 0.85) return this.read(s)
    if (r < 0.93) return this.edit(s)
    return this.recall(s)
  }

  private createGroup(s: Script, members: string[]) {
    return this.exec(s, 'group.create', s.owner!, { name: s.conv, members })
  }

  private createDirect(s: Script) {
    const [a, b] = [...s.members] as [string, string]
    return this.exec(s, 'conversation.create-direct', a, { peer: b })
  }

  private canPost(s: Script, user: string): boolean {
    return s.members.has(user) && !s.muted.has(user) && (!s.groupMuted || user === s.owner)
  }

  private async send(s: Script): Promise<unknown> {
    const posters = [...s.members].filter((u) => this.canPost(s, u))
    if (posters.length === 0) return this.read(s)
    const actor = pick(this.rng, posters)
    const mentions = s.kind === 'group' && this.rng() < 0.3 ? this.mentions(s, actor) : undefined
    const e = await this.exec(s, 'message.send', actor, { content: { type: 'text', text: `${s.conv} ${s.head + 1}` }, ...(mentions ? { mentions } : {}) })
    if (e) s.live.push({ seq: e.seq, actor })
    return e
  }

  private mentions(s: Script, actor: string): { all: true } | { users: string[] } | undefined {
    if (actor === s.owner && this.rng() < 0.3) return { all: true }
    const others = [...s.members].filter((u) => u !== actor)
    if (others.length === 0) return undefined
    const users = new Set([pick(this.rng, others), pick(this.rng, others)])
    return { users: [...users] }
  }

  private read(s: Script) {
    // Half the reads catch up to near the head, half land anywhere: some go backwards, which the views ignore.
    const upTo = this.rng() < 0.5 ? Math.max(1, s.head - Math.floor(this.rng() * 8)) : 1 + Math.floor(this.rng() * s.head)
    return this.exec(s, 'conversation.read', pick(this.rng, [...s.members]), { upTo })
  }

  private async edit(s: Script): Promise<unknown> {
    const editable = s.live.filter((m) => this.canPost(s, m.actor))
    if (editable.length === 0) return this.send(s)
    const target = pick(this.rng, editable)
    return this.exec(s, 'message.edit', target.actor, { target: target.seq, content: { type: 'text', text: `edited at ${s.head + 1}` } })
  }

  private async recall(s: Script): Promise<unknown> {
    if (s.live.length === 0) return this.send(s)
    const target = pick(this.rng, s.live)
    // Authors recall their own (within the window); the owner recalls anyone's, a former member's included.
    const actor = s.members.has(target.actor) ? target.actor : s.owner!
    const e = await this.exec(s, 'message.recall', actor, { target: target.seq })
    if (e) s.live = s.live.filter((m) => m !== target)
    return e
  }

  private async membership(s: Script): Promise<unknown> {
    const outsiders = USERS.filter((u) => !s.members.has(u))
    const plain = [...s.members].filter((u) => u !== s.owner)
    const r = this.rng()
    if (outsiders.length > 0 && (r < 0.4 || plain.length <= 1)) {
      const user = pick(this.rng, outsiders)
      const e = await this.exec(s, 'group.invite', pick(this.rng, [...s.members]), { users: [user] })
      if (e) s.members.add(user)
      return e
    }
    if (plain.length <= 1) return this.send(s)
    const user = pick(this.rng, plain)
    const e = r < 0.7 ? await this.exec(s, 'group.kick', s.owner!, { user }) : await this.exec(s, 'group.leave', user, {})
    if (e) s.members.delete(user)
    return e
  }

  private async mute(s: Script): Promise<unknown> {
    const r = this.rng()
    if (r < 0.4) {
      const e = await this.exec(s, s.groupMuted ? 'group.unmute' : 'group.mute', s.owner!, {})
      if (e) s.groupMuted = !s.groupMuted
      return e
    }
    const mutedMembers = [...s.members].filter((u) => s.muted.has(u))
    if (r < 0.7 && mutedMembers.length > 0) {
      const user = pick(this.rng, mutedMembers)
      const e = await this.exec(s, 'member.unmute', s.owner!, { user })
      if (e) s.muted.delete(user)
      return e
    }
    const unmuted = [...s.members].filter((u) => u !== s.owner && !s.muted.has(u))
    if (unmuted.length === 0) return this.send(s)
    const user = pick(this.rng, unmuted)
    const e = await this.exec(s, 'member.mute', s.owner!, { user, seconds: 3600 })
    if (e) s.muted.add(user)
    return e
  }

  /** Runs one command; returns its event, or null when refused (recorded: the workload means never to be). */
  private async exec(s: Script, type: string, actor: string, data: object): Promise<SeqlineEvent | null> {
    const command = { type, id: `c${this.commands++}`, conv: s.conv, actor, data }
    const r = await this.handler.execute(command)
    if (!r.ok) {
      this.refusals.push(`${s.conv} ${type} by ${actor} ${JSON.stringify(data)}: ${JSON.stringify(r)}`)
      return null
    }
    if (!r.event) return null
    s.head = r.seq
    this.events.push(r.event)
    return r.event
  }
}

/** Every kind of event the brief asks the crash test to exercise did happen. */
function assertCoverage(events: SeqlineEvent[]): void {
  const types = new Set(events.map((e) => e.type))
  for (const type of [
    'message.sent',
    'message.edited',
    'message.recalled',
    'conversation.read',
    'member.invited',
    'member.kicked',
    'member.left',
    'group.muted',
    'member.muted',
  ] as const) {
    assert.ok(types.has(type), `the workload wrote no ${type}`)
  }
  assert.ok(
    events.some((e) => e.type === 'message.sent' && e.data.mentions),
    'the workload sent no message with mentions',
  )
}

// ---------------------------------------------------------------------------
// The independent model of unread counts

interface ExpectedRow {
  maxSeq: number
  readSeq: number
  unread: number
  mentioned: boolean
}

interface ConvModel {
  head: number
  live: Map<number, { actor: string; users: string[]; all: boolean }>
  read: Map<string, number>
  left: Map<string, number>
  joined: Set<string>
}

/** Folds the workload's own events, without any projection code, into what each inbox row must say. */
function expectedInbox(events: SeqlineEvent[], user: string): Map<string, ExpectedRow> {
  const out = new Map<string, ExpectedRow>()
  for (const [conv, m] of foldConversations(events)) {
    if (!m.joined.has(user)) continue
    const maxSeq = m.left.get(user) ?? m.head
    const readSeq = Math.min(m.read.get(user) ?? 0, maxSeq)
    const unreadMessages = [...m.live].filter(([seq]) => seq > readSeq && seq <= maxSeq).map(([, msg]) => msg)
    const mentioned = unreadMessages.some((msg) => msg.actor !== user && (msg.all || msg.users.includes(user)))
    out.set(conv, { maxSeq, readSeq, unread: unreadMessages.length, mentioned })
  }
  return out
}

function foldConversations(events: SeqlineEvent[]): Map<string, ConvModel> {
  const convs = new Map<string, ConvModel>()
  for (const e of events) {
    let m = convs.get(e.conv)
    if (!m) convs.set(e.conv, (m = { head: 0, live: new Map(), read: new Map(), left: new Map(), joined: new Set() }))
    foldEvent(m, e)
    m.head = e.seq
  }
  return convs
}

function foldEvent(m: ConvModel, e: SeqlineEvent): void {
  const readUpTo = (user: string, seq: number) => m.read.set(user, Math.max(m.read.get(user) ?? 0, seq))
  // Joining starts the user's reading at the join itself.
  const join = (user: string) => {
    m.read.set(user, e.seq)
    m.left.delete(user)
    m.joined.add(user)
  }
  switch (e.type) {
    case 'conversation.created':
      for (const member of e.data.members) join(typeof member === 'string' ? member : member.user)
      return
    case 'member.invited':
      return e.data.users.forEach(join)
    case 'member.joined':
      return void join(e.data.user)
    case 'member.left':
    case 'member.kicked':
      return void m.left.set(e.data.user, e.seq)
    case 'message.sent':
      m.live.set(e.seq, { actor: e.actor, users: e.data.mentions?.users ?? [], all: e.data.mentions?.all === true })
      return void readUpTo(e.actor, e.seq)
    case 'message.recalled':
      return void m.live.delete(e.data.target)
    case 'conversation.read':
      return void readUpTo(e.actor, e.data.upTo)
    default:
      return
  }
}

// ---------------------------------------------------------------------------

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
