import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeCursor, encodeCursor } from '../../projections/history/cursor.js'
import { snippetOf } from '../../projections/history/snippet.js'
import { words } from '../../projections/history/words.js'

test('words split like splitByNonAlpha: ASCII punctuation and spaces separate, non-ASCII letters stay in words', () => {
  assert.deepEqual(words('Hello, World! foo_bar x-y 42'), ['hello', 'world', 'foo', 'bar', 'x', 'y', '42'])
  assert.deepEqual(words('Héllo wörld 你好'), ['héllo', 'wörld', '你好'])
  assert.deepEqual(words(`'); DROP --`), ['drop'])
  assert.deepEqual(words('!!!'), [])
})

test('a snippet centres on the first match and marks every searched word in it', () => {
  const text = `${'x '.repeat(60)}the needle is here and the NEEDLE again`
  const s = snippetOf(text, ['needle'])
  assert.ok(s.snippet.startsWith('…'))
  assert.equal(s.highlights.length, 2)
  for (const [a, b] of s.highlights) assert.equal(s.snippet.slice(a, b).toLowerCase(), 'needle')
  assert.deepEqual(snippetOf('short text', ['absent']), { snippet: 'short text', highlights: [] })
})

test('cursors round-trip, and anything else is refused', () => {
  const p = { at: 1_700_000_000_000, conv: 'g_a', seq: 7 }
  assert.deepEqual(decodeCursor(encodeCursor(p)), p)
  assert.equal(decodeCursor('bm90IGEgY3Vyc29y'), null)
  assert.equal(decodeCursor(Buffer.from(JSON.stringify([-1, 'g', 1])).toString('base64url')), null)
  assert.equal(decodeCursor(Buffer.from(JSON.stringify([1, 2, 3])).toString('base64url')), null)
})
