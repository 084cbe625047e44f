import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConversationOrder, MemoryStore, type Store } from '../../client/src/index.js'
import { Saver } from '../../client/src/stores.js'

/** A store whose saves wait until released, recording what it was given. */
function gated() {
  const saved: number[] = []
  let release: () => void = () => undefined
  const store: Store<number> = {
    load: async () => saved.at(-1),
    save: (value) =>
      new Promise<void>((resolve) => {
        release = () => {
          saved.push(value)
          resolve()
        }
      }),
  }
  return { store, saved, release: () => release() }
}

test('values given while a save runs are coalesced into one more save of the newest', async () => {
  const { store, saved, release } = gated()
  const saver = new Saver(store, () => assert.fail('no failure expected'))
  saver.save(1)
  saver.save(2)
  saver.save(3)
  release()
  await new Promise((r) => setImmediate(r))
  release()
  await saver.flushed()
  assert.deepEqual(saved, [1, 3])
})

test('a failed save is reported and the next value is saved as usual', async () => {
  const failures: unknown[] = []
  let fail = true
  const kept: number[] = []
  const store: Store<number> = {
    load: async () => undefined,
    save: async (value) => {
      if (fail) throw new Error('disk full')
      kept.push(value)
    },
  }
  const saver = new Saver(store, (err) => failures.push(err))
  saver.save(1)
  await saver.flushed()
  fail = false
  saver.save(2)
  await saver.flushed()
  assert.deepEqual([failures.length, kept], [1, [2]])
})

test('MemoryStore hands out copies: a change to the loaded value is not a save', async () => {
  const store = new MemoryStore<Record<string, number>>()
  assert.equal(await store.load(), undefined)
  const value = { g_a: 1 }
  await store.save(value)
  value.g_a = 9
  const loaded = await store.load()
  assert.deepEqual(loaded, { g_a: 1 })
})

test('skip moves a conversation past the seqs a latest-N sync left out, releasing what waited behind them', () => {
  const order = new ConversationOrder()
  const event = (seq: number) => ({ seq }) as never
  assert.deepEqual(order.push(event(28)), [])
  assert.deepEqual(
    order.skip(26).map((e: { seq: number }) => e.seq),
    [],
  )
  assert.deepEqual(
    order.push(event(27)).map((e: { seq: number }) => e.seq),
    [27, 28],
  )
  assert.deepEqual(order.skip(10), [], 'a skip behind the position changes nothing')
  assert.equal(order.position, 28)
})
