import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor, EventLog } from '../../core/log/index.js'
import { mulberry32, type Rng } from '../../ops/bench/shared/random.js'
import { ConversationViews } from '../../projections/conversations/index.js'
import { CommitLog } from '../../projections/runtime/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { onLines } from '../helpers/child-lines.js'
import { USERS, Workload } from '../helpers/crash-workload.js'
import { TEST_PARTITIONS, withLogServer } from '../helpers/log.js'
import { covers, differingKeys, dumpBucket, replayFromZero, sortedRecords, streamEnds, waitCaughtUp } from '../helpers/views.js'
import { within } from '../helpers/within.js'

const PROJECTOR = fileURLToPath(new URL('../fixtures/projector.js', import.meta.url))

const CRASHED = { bucket: 'views_crashed', name: 'crashed' }
const REFERENCE = { bucket: 'views_reference', name: 'reference' }

/** Kills of the projector; the first two land right after a start, the rest at random moments. */
const KILLS = 10
const MAX_KILL_DELAY_MS = 300
/** Events in the log before the first projector starts, so that it has a backlog to flush through. */
const PREFILL_EVENTS = 300
/** Steps every conversation takes at least, whatever the kill loop's pace. */
const MIN_STEPS = 120
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
    await replayFromZero(t.log, t.nc, REFERENCE, CATCH_UP_MS)

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
