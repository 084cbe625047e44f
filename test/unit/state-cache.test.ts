import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Loaded, loadedBytes, stateCache } from '../../core/commands/state-cache.js'
import { initialState, type Member } from '../../core/domain/state.js'

const member: Member = { role: 'member', mutedUntil: 0 }

function conversation(members: number): Loaded {
  const state = { ...initialState(), kind: 'group' as const, seq: 1, members: new Map(Array.from({ length: members }, (_, i) => [`u${i}`, member])) }
  return { state, head: { seq: 1, streamSeq: 1 } }
}

describe('the command handler state cache', () => {
  test('a state weighs more the more it holds', () => {
    assert.ok(loadedBytes('g_big', conversation(1000)) > 100 * loadedBytes('g_small', conversation(2)))
  })

  test('is bounded by the bytes its states hold, not by how many there are', () => {
    const small = loadedBytes('g_0', conversation(2))
    const cache = stateCache(10 * small)
    for (let i = 0; i < 10; i++) cache.set(`g_${i}`, conversation(2))
    assert.equal(cache.size, 10, 'ten small states fit')
    // One group as heavy as the ten takes the room of all of them.
    cache.set('g_big', conversation(9))
    assert.ok(cache.has('g_big'))
    assert.ok(cache.size < 10, `${cache.size} states left beside the large one`)
    assert.ok(cache.calculatedSize <= 10 * small)
  })

  test('forgets the least recently used first', () => {
    const small = loadedBytes('g_0', conversation(2))
    const cache = stateCache(3 * small)
    for (const conv of ['g_0', 'g_1', 'g_2']) cache.set(conv, conversation(2))
    cache.get('g_0')
    cache.set('g_3', conversation(2))
    assert.deepEqual([...cache.keys()].sort(), ['g_0', 'g_2', 'g_3'])
  })
})
