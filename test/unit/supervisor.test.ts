import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../../projections/runtime/index.js'
import { Supervisor } from '../../projections/runtime/index.js'
import { backoff } from '../../projections/runtime/loop.js'

/** A logger that keeps what it was given. */
function recording(): Logger & { lines: Array<{ level: string; msg?: string; obj: object }> } {
  const lines: Array<{ level: string; msg?: string; obj: object }> = []
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg ? { msg } : {}) })
  return { lines, info: at('info'), warn: at('warn'), error: at('error') }
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    assert.ok(Date.now() < deadline, 'condition not met by the deadline')
    await sleep(5)
  }
}

test('a runner of this process alone is replaced once it fails, a failing start is retried, and each is logged', async () => {
  const made: Array<{ error: unknown; stopped: boolean }> = []
  let failStarts = 0
  const logger = recording()
  const runner = new Supervisor(
    'sink',
    async () => {
      const r = {
        error: undefined as unknown,
        stopped: false,
        start: async () => {
          if (failStarts-- > 0) throw new Error('ClickHouse away')
        },
        stop: async () => void (r.stopped = true),
      }
      made.push(r)
      return r
    },
    { checkMs: 10, logger },
  )
  await runner.start()
  assert.equal(made.length, 1)
  failStarts = 2
  made[0]!.error = new Error('a write failed')
  await until(() => made.length === 4 && runner.running, 2_000)
  assert.deepEqual(
    made.map((r) => r.stopped),
    [true, true, true, false],
    'the failed runner, two starts that failed, then one that runs',
  )
  assert.equal(runner.current, made[3])
  const said = logger.lines.map((l) => `${l.level} ${l.msg}`)
  assert.deepEqual(said, [
    'info processor started',
    'error processor failed; restarting it from its last commit',
    'warn processor failed to start',
    'warn processor failed to start',
    'info processor restarted',
  ])
  assert.equal((logger.lines[1]!.obj as { err: Error }).err.message, 'a write failed', 'the failure is logged with its error')
  assert.deepEqual(
    logger.lines.map((l) => (l.obj as { processor: string }).processor),
    Array(5).fill('sink'),
  )
  await runner.stop()
  assert.equal(made[3]!.stopped, true)
})

test('retries back off: doubling up to the ceiling, with jitter between half and all of it', () => {
  const low = () => 0
  const high = () => 0.999999
  assert.deepEqual(
    [1, 2, 3, 4, 10].map((n) => backoff(n, 100, 1000, high)),
    [100, 200, 400, 800, 1000],
  )
  assert.deepEqual(
    [1, 2, 3, 4, 10].map((n) => backoff(n, 100, 1000, low)),
    [50, 100, 200, 400, 500],
  )
})
