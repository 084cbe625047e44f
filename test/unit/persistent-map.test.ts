import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PersistentMap } from '../../core/domain/persistent-map.js'

describe('PersistentMap', () => {
  test('behaves as a Map under random sets and deletes, old versions unchanged', () => {
    let seed = 7
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const model = new Map<string, number>()
    let map = PersistentMap.empty<number>()
    const versions: Array<[PersistentMap<number>, Array<[string, number]>]> = []
    for (let i = 0; i < 20_000; i++) {
      const key = `u${rand(3000)}`
      if (rand(3) === 0) {
        model.delete(key)
        map = map.without(key)
      } else {
        model.set(key, i)
        map = map.with(key, i)
      }
      if (i % 997 === 0) versions.push([map, [...model]])
    }
    assert.equal(map.size, model.size)
    assert.deepEqual([...map], [...model], 'same entries in the same (insertion) order')
    for (const key of ['u1', 'u2', 'u2999', 'nobody']) assert.equal(map.get(key), model.get(key))
    for (const [old, entries] of versions) assert.deepEqual([...old], entries, 'an earlier version is a value: later changes do not reach it')
  })

  test('keys whose hashes collide in every level still work', () => {
    // Many keys: some pairs share slots deep down; every one must be found and removed.
    let map = PersistentMap.empty<number>()
    for (let i = 0; i < 100_000; i++) map = map.with(`k${i}`, i)
    assert.equal(map.size, 100_000)
    for (let i = 0; i < 100_000; i += 7) assert.equal(map.get(`k${i}`), i)
    for (let i = 0; i < 100_000; i += 2) map = map.without(`k${i}`)
    assert.equal(map.size, 50_000)
    assert.equal(map.has('k2'), false)
    assert.equal(map.get('k3'), 3)
  })

  test('a change that changes nothing returns the same map', () => {
    const map = PersistentMap.empty<number>().with('a', 1)
    assert.equal(map.with('a', 1), map)
    assert.equal(map.without('b'), map)
  })

  test('of() takes a plain Map in its order, and a PersistentMap as it is', () => {
    const plain = new Map([
      ['z', 1],
      ['a', 2],
    ])
    const map = PersistentMap.of(plain)
    assert.deepEqual([...map.keys()], ['z', 'a'])
    assert.equal(PersistentMap.of(map), map)
  })
})
