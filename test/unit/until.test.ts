import assert from 'node:assert/strict'
import { test } from 'node:test'
import { until } from '../../core/index.js'

const late = () => new Error('still not there')

test('until returns what the check found once it finds something', async () => {
  let calls = 0
  const found = await until(() => (++calls >= 3 ? 'ready' : undefined), { timeoutMs: 5_000, everyMs: 1, timedOut: late })
  assert.equal(found, 'ready')
  assert.equal(calls, 3)
})

test('until throws the timeout error once the time is up, having checked until then', async () => {
  let calls = 0
  const started = Date.now()
  await assert.rejects(
    until(() => void calls++, { timeoutMs: 50, everyMs: 5, timedOut: late }),
    /still not there/,
  )
  assert.ok(Date.now() - started >= 50)
  assert.ok(calls > 1, `checked ${calls} times`)
})

test('a check that throws stops the wait at once', async () => {
  const started = Date.now()
  await assert.rejects(
    until(() => Promise.reject(new Error('exited')), { timeoutMs: 5_000, everyMs: 1, timedOut: late }),
    /exited/,
  )
  assert.ok(Date.now() - started < 1_000)
})
