// Two projector processes share the conversations projection's partitions (a
// lease per partition); writes go on; one is SIGKILLed and the other takes its
// partitions over once their leases expire. After the writes end, the views
// equal a fresh replay of the log into another bucket.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { until } from '../../core/index.js'
import type { Cursor } from '../../core/log/index.js'
import { mulberry32 } from '../../ops/bench/shared/random.js'
import { onLines } from '../helpers/child-lines.js'
import { Workload } from '../helpers/crash-workload.js'
import { TEST_PARTITIONS, withLogServer } from '../helpers/log.js'
import { differingKeys, dumpBucket, replayFromZero, sortedRecords, waitCaughtUp } from '../helpers/views.js'
import { within } from '../helpers/within.js'

const PROJECTOR = fileURLToPath(new URL('../fixtures/share-projector.js', import.meta.url))
const SHARED = { bucket: 'views_shared', name: 'shared' }
const REFERENCE = { bucket: 'views_replayed', name: 'replayed' }
/** Lease time to live: a killed holder's partitions are free after this. */
const TTL_MS = 1500
const PREFILL_EVENTS = 200
/** Events written after the kill before writing stops: the survivor must project them in the dead one's partitions. */
const AFTER_KILL_EVENTS = 300
const SHARE_MS = 15_000
const TAKEOVER_MS = 15_000
const CATCH_UP_MS = 30_000
const EXIT_MS = 10_000

describe('projector takeover across processes against a real nats-server', () => {
  const t = withLogServer()

  test('a projector SIGKILLed while writes go on: the other takes its partitions and the views equal a fresh replay', { timeout: 180_000 }, async (ctx) => {
    const seed = Number(process.env.SEQLINE_TEST_SEED ?? Date.now() % 2 ** 31)
    ctx.diagnostic(`seed ${seed}`)
    const workload = new Workload(t.handler, mulberry32(seed))
    const writing = workload.run(60)
    writing.catch(() => undefined) // awaited below
    const a = startProjector(t.nats.url)
    const b = startProjector(t.nats.url)
    // No child outlives the test, whatever fails.
    t.defer(() => {
      a.child.kill('SIGKILL')
      b.child.kill('SIGKILL')
    })
    try {
      await poll(() => workload.events.length >= PREFILL_EVENTS, SHARE_MS, 'the prefill')
      // Fair shares: each holds half the partitions, together all of them.
      await poll(
        () => a.held.length === TEST_PARTITIONS / 2 && b.held.length === TEST_PARTITIONS / 2,
        SHARE_MS,
        () => `fair shares (a ${a.held}, b ${b.held})`,
      )
      assert.deepEqual([...a.held, ...b.held].sort(), [0, 1, 2, 3])
      await poll(() => moved(a) && moved(b), SHARE_MS, 'both projectors applying events')

      const victim = [...a.held]
      a.child.kill('SIGKILL')
      assert.equal((await within(a.exited, EXIT_MS, 'the kill')).signal, 'SIGKILL')
      const killedAt = workload.events.length
      await poll(
        () => b.held.length === TEST_PARTITIONS,
        TAKEOVER_MS,
        () => `b taking over ${victim} (b holds ${b.held})`,
      )
      ctx.diagnostic(`b took partitions ${victim} over; ${workload.events.length - killedAt} events written since the kill`)
      await poll(() => workload.events.length >= killedAt + AFTER_KILL_EVENTS, SHARE_MS, 'writes after the kill')
    } finally {
      workload.stop()
    }
    await writing
    await waitCaughtUp(t.log, () => b.position, CATCH_UP_MS)
    b.child.kill('SIGTERM')
    await within(b.stopped, EXIT_MS, 'b stopping cleanly')
    assert.deepEqual(await within(b.exited, EXIT_MS, 'b exiting'), { code: 0, signal: null })
    assert.deepEqual([...a.errors, ...b.errors], [], 'no runner failed')
    assert.deepEqual(workload.refusals, [], 'the workload only issues commands it knows are allowed')

    await replayFromZero(t.log, t.nc, REFERENCE, CATCH_UP_MS)
    const [shared, reference] = await Promise.all([dumpBucket(t.nc, SHARED.bucket), dumpBucket(t.nc, REFERENCE.bucket)])
    assert.ok(reference.size >= 50, `the replayed views hold ${reference.size} records`)
    // Users' records are written from every partition at once: they must hold every conversation's entry.
    assert.ok([...reference.keys()].filter((k) => k.startsWith('u.')).length >= 6, 'the replay holds every user record')
    assert.deepEqual(differingKeys(shared, reference), [], `seed ${seed}: the shared views differ from a fresh replay`)
    assert.deepEqual(sortedRecords(shared), sortedRecords(reference))
  })
})

interface Projector {
  child: ChildProcess
  held: number[]
  position: Cursor
  moves: number
  errors: string[]
  stopped: Promise<void>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function startProjector(url: string): Projector {
  const child = spawn(process.execPath, [PROJECTOR, url, SHARED.bucket, SHARED.name, String(TEST_PARTITIONS), String(TTL_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  let onStopped!: () => void
  const stopped = new Promise<void>((resolve) => (onStopped = resolve))
  const p: Projector = { child, held: [], position: {}, moves: 0, errors: [], stopped, exited }
  onLines(child, (tag, rest) => {
    if (tag === 'HELD') p.held = JSON.parse(rest) as number[]
    else if (tag === 'POS') {
      p.position = JSON.parse(rest) as Cursor
      p.moves++
    } else if (tag === 'STOPPED') onStopped()
    else if (tag === 'ERR') p.errors.push(rest)
  })
  return p
}

/** Applied beyond where its runners started. */
function moved(p: Projector): boolean {
  return p.moves >= 3
}

async function poll(condition: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const name = typeof what === 'string' ? () => what : what
  await until(() => condition() || undefined, { timeoutMs, everyMs: 20, timedOut: () => new Error(`timed out after ${timeoutMs} ms waiting for ${name()}`) })
}
