import assert from 'node:assert/strict'
import { test } from 'node:test'
import { identifier, literal, quote, Sql } from '../../projections/history/sql.js'

test('a string literal cannot be ended by quotes, backslashes or control characters', () => {
  assert.equal(quote(`it's`), `'it\\'s'`)
  assert.equal(quote('back\\slash'), `'back\\\\slash'`)
  assert.equal(quote("\\'; DROP TABLE x; --"), `'\\\\\\'; DROP TABLE x; --'`)
  assert.equal(quote('nul\u0000line\nend'), `'nul\\x00line\\x0aend'`)
  // Whatever goes in, exactly two unescaped quotes come out: the delimiters.
  for (const s of [`'`, `\\'`, `\\\\'`, `''`, `'\\`, 'ok']) {
    const body = quote(s).slice(1, -1)
    assert.equal(body.replace(/\\./g, '').includes("'"), false, s)
  }
})

test('numbers must be unsigned safe integers; arrays are typed', () => {
  assert.equal(literal(42, 'UInt64'), '42')
  assert.throws(() => literal(-1, 'UInt64'))
  assert.throws(() => literal(1.5, 'UInt64'))
  assert.throws(() => literal('1 OR 1=1' as unknown as number, 'UInt64'))
  assert.equal(literal(['a', "b'"], 'Array(String)'), `['a','b\\'']`)
  assert.equal(literal([1, 2], 'Array(UInt64)'), '[1,2]')
})

test('bound statements carry placeholders and parameters; unbound ones escaped literals', () => {
  const bound = new Sql(true)
  assert.equal(bound.value('x', 'String'), '{p0:String}')
  assert.equal(bound.list(['a', 'b']), '{p1:Array(String)}')
  assert.deepEqual(bound.queryParams, { p0: 'x', p1: ['a', 'b'] })
  const inline = new Sql(false)
  assert.equal(inline.value("o'k", 'String'), `'o\\'k'`)
  assert.equal(inline.list(['a', 'b']), `('a','b')`)
  assert.equal(inline.queryParams, undefined)
  assert.throws(() => inline.list([]))
})

test('identifiers are plain names only', () => {
  assert.equal(identifier('seqline_1'), 'seqline_1')
  assert.throws(() => identifier('a.b'))
  assert.throws(() => identifier('x; DROP'))
})
