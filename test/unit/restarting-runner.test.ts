import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { RestartingRunner } from '../../projections/runtime/restarting-runner.js'

test('a runner of this process alone is replaced once it fails, and a failing start is retried', async () => {
  const made: Array<{ error: unknown; stopped: boolean }> = []
  let failStarts = 0
  const runner = new RestartingRunner(async () => {
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
  }, 10)
  await runner.start()
  assert.equal(made.length, 1)
  failStarts = 2
  made[0]!.error = new Error('a write failed')
  for (let i = 0; i < 100 && made.length < 4; i++) await sleep(10)
  await sleep(30)
  assert.equal(made.length, 4, 'the failed runner, two starts that failed, then one that ran')
  assert.deepEqual(made.map((r) => r.stopped), [true, true, true, false])
  assert.equal(runner.running, true)
  await runner.stop()
  assert.equal(made[3]!.stopped, true)
})
