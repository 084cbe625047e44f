// A read over a consumer ends: with what it counted, or with an error when the consumer goes quiet or ends first.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ReadStalledError, untilStalled } from '../../projections/runtime/until-stalled.js'

/** Messages that yield `items`, then nothing until stopped (a consumer that went quiet). */
function quietAfter(items: number[]) {
  let stop!: () => void
  const stopped = new Promise<void>((r) => (stop = r))
  let stops = 0
  return {
    stop() {
      stops++
      stop()
    },
    get stops() {
      return stops
    },
    async *[Symbol.asyncIterator]() {
      yield* items
      await stopped
    },
  }
}

test('a read ends when its last record is taken, and stops its messages', async () => {
  const messages = quietAfter([1, 2, 3])
  const taken: number[] = []
  await untilStalled(messages, 'three', (m) => taken.push(m) === 3, 50)
  assert.deepEqual(taken, [1, 2, 3])
  assert.ok(messages.stops >= 1)
})

// Bounded itself: the behaviour under test is not hanging.
test('a read whose messages go quiet before its last record is given up, not waited on for ever', { timeout: 10_000 }, async () => {
  const messages = quietAfter([1])
  const taken: number[] = []
  await assert.rejects(
    untilStalled(messages, 'a prefix', (m) => taken.push(m) === 2, 50),
    (err) => err instanceof ReadStalledError && /a prefix: nothing delivered for 50 ms/.test(err.message),
  )
  assert.deepEqual(taken, [1])
})

test('a read whose messages end before its last record fails rather than answering with part of it', async () => {
  const ended = {
    stop() {},
    async *[Symbol.asyncIterator]() {
      yield 1
    },
  }
  await assert.rejects(
    untilStalled(ended, 'short', () => false, 1000),
    /short: the messages ended before the last record/,
  )
})
