import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeCursor, encodeCursor } from '../../projections/history/cursor.js'
import { snippetOf } from '../../projections/history/snippet.js'
import { terms, tokenSpans, words } from '../../projections/history/words.js'

test('words split like asciiCJK: ASCII words whole, every other character a token of its own', () => {
  assert.deepEqual(words('Hello, World! foo_bar x-y 42'), ['hello', 'world', 'foo_bar', 'x', 'y', '42'])
  assert.deepEqual(words('Seqline发布了v2'), ['seqline', '发', '布', '了', 'v2'])
  assert.deepEqual(words('我们 路线图'), ['我', '们', '路', '线', '图'])
  assert.deepEqual(words('東京でカタカナ 한국어'), ['東', '京', 'で', 'カ', 'タ', 'カ', 'ナ', '한', '국', '어'])
  assert.deepEqual(words('Héllo 😀x'), ['h', 'é', 'llo', '😀', 'x'])
  assert.deepEqual(words("a.b c:d can't 1.5 x@y.z 3,000"), ['a.b', 'c:d', "can't", '1.5', 'x', 'y.z', '3', '000'])
  assert.deepEqual(words(`'); DROP --`), ['drop'])
  assert.deepEqual(words('!!!'), [])
})

test('token offsets are UTF-16 code units: an emoji before a word counts two', () => {
  assert.deepEqual(tokenSpans('😀路 ok'), [
    { token: '😀', start: 0, end: 2 },
    { token: '路', start: 2, end: 3 },
    { token: 'ok', start: 4, end: 6 },
  ])
})

test('query terms: tokens typed together stay together, spaces separate', () => {
  assert.deepEqual(terms('季度路线图 Seqline发布 v2'), [['季', '度', '路', '线', '图'], ['seqline', '发', '布'], ['v2']])
  assert.deepEqual(terms('quick brown'), [['quick'], ['brown']])
  assert.deepEqual(terms('路，线 路 线'), [['路', '，', '线'], ['路'], ['线']])
})

test('CJK and emoji snippets: adjacent characters one range, offsets in UTF-16, no emoji cut in half', () => {
  const s = snippetOf('今日は😀いい天気🎉 weather', words('いい天気 weather'))
  assert.deepEqual(s.highlights, [
    [5, 9],
    [12, 19],
  ])
  assert.deepEqual(
    s.highlights.map(([a, b]) => s.snippet.slice(a, b)),
    ['いい天気', 'weather'],
  )
  // Both cuts fall on the second half of a surrogate pair unless moved.
  const long = `${'😀'.repeat(30)}a路线图b${'🎉'.repeat(100)}`
  const cut = snippetOf(long, words('路线图'))
  assert.ok(cut.snippet.startsWith('…😀') && cut.snippet.endsWith('🎉…'), 'cuts fall between whole emoji')
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(cut.snippet), 'no lone surrogate')
  assert.deepEqual(
    cut.highlights.map(([a, b]) => cut.snippet.slice(a, b)),
    ['路线图'],
  )
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
