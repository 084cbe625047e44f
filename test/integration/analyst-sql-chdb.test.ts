// Analyst SQL on embedded chDB: read-only, limited, confined to the history database — and the history sink keeps writing.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import type { HistoryDb } from '../../projections/history/index.js'
import { HistorySink } from '../../projections/history/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { sinkCaughtUp, withHistoryBackend } from '../helpers/history.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

const TABLES = ['messages', 'events', 'hidden']

describe('analyst SQL on embedded chDB', () => {
  const t = withLogServer()
  const h = withHistoryBackend('chdb')
  let s: ApiStack
  let db: HistoryDb
  let sink: HistorySink
  const sql = (query: string) => call(`${s.url}/v1/admin/sql`, 'POST', s.serviceToken, { sql: query })
  const counts = async () => {
    const out: Record<string, number> = {}
    for (const table of TABLES) out[table] = (await db.rows<{ n: number }>(`SELECT count() AS n FROM ${db.table(table)}`))[0]!.n
    return out
  }

  before(async () => {
    db = await h.open('analyst_chdb')
    sink = new HistorySink(t.log, db, { flushIntervalMs: 20 })
    await sink.start()
    t.defer(() => sink.stop())
    s = await startApiStack(t, 'analyst_sql_views', undefined, { history: { db, sqlLimits: { timeoutSeconds: 1, maxRows: 50, maxMemoryMb: 64 } } })
    t.defer(() => s.stop())
    await createGroup(t.handler, 'g_sql', 'ann', ['ben'])
    await accepted(t.handler, text('s1', 'g_sql', 'ann', 'first'))
    await accepted(t.handler, text('s2', 'g_sql', 'ben', 'second'))
    await sinkCaughtUp(sink)
  })

  test('SELECTs over the history return rows, by qualified or bare table names and through CTEs', async () => {
    const qualified = await sql(`SELECT sender, count() AS n FROM ${db.table('messages')} WHERE conv = 'g_sql' GROUP BY sender ORDER BY sender`)
    assert.equal(qualified.status, 200, JSON.stringify(qualified.body))
    assert.deepEqual(qualified.body, {
      rows: [
        { sender: 'ann', n: 1 },
        { sender: 'ben', n: 1 },
      ],
      rowCount: 2,
    })
    const bare = await sql(`WITH m AS (SELECT conv FROM messages) SELECT count() AS n FROM m WHERE conv IN (SELECT conv FROM events) -- a comment`)
    assert.equal(bare.status, 200, JSON.stringify(bare.body))
    assert.deepEqual(bare.body.rows, [{ n: 2 }])
    const aliased = await sql(`SELECT system.sender AS sender FROM messages AS system WHERE system.conv = 'g_sql' ORDER BY system.sender`)
    assert.equal(aliased.status, 200, `a table alias named like a database is the table: ${JSON.stringify(aliased.body)}`)
    assert.deepEqual(aliased.body.rows, [{ sender: 'ann' }, { sender: 'ben' }])
    const generated = await sql('SELECT sum(number) AS s FROM numbers(10)')
    assert.deepEqual(generated.body.rows, [{ s: 45 }], 'generating table functions read nothing outside and stay allowed')
  })

  // Each line: the query, the status and code it must get. Writes, DDL and settings are refused by
  // the session's readonly=1; reads outside the history by the scope check on chDB's parse.
  const refusals: Array<[string, number, string]> = [
    ['INSERT INTO events SELECT * FROM events', 403, 'SQL_READ_ONLY'],
    ['ALTER TABLE messages DELETE WHERE 1', 403, 'SQL_READ_ONLY'],
    ['DROP TABLE events', 403, 'SQL_READ_ONLY'],
    ['TRUNCATE TABLE hidden', 403, 'SQL_READ_ONLY'],
    ['CREATE TABLE x (a Int8) ENGINE = Memory', 403, 'SQL_READ_ONLY'],
    ['SET readonly = 0', 403, 'SQL_READ_ONLY'],
    ['SHOW TABLES FROM system', 403, 'SQL_READ_ONLY'],
    ['DESCRIBE TABLE system.tables', 403, 'SQL_READ_ONLY'],
    ['SELECT 1 SETTINGS readonly = 0', 403, 'SQL_READ_ONLY'],
    ['SELECT count() FROM numbers(10000000000) SETTINGS max_execution_time = 3600', 403, 'SQL_READ_ONLY'],
    ['SELECT number FROM numbers(100000) SETTINGS max_result_rows = 0', 403, 'SQL_READ_ONLY'],
    ['SELECT name FROM system.tables', 403, 'SQL_OUTSIDE_HISTORY'],
    ['select name from SYSTEM.databases', 403, 'SQL_OUTSIDE_HISTORY'],
    ['SELECT count() FROM messages WHERE conv IN system.tables', 403, 'SQL_OUTSIDE_HISTORY'],
    // A table alias shadows a database only for its own columns: the system database stays out of reach.
    ['SELECT count() FROM messages AS system JOIN system.tables AS t ON 1', 403, 'SQL_OUTSIDE_HISTORY'],
    ['SELECT count() AS system FROM messages WHERE conv IN system.tables', 403, 'SQL_OUTSIDE_HISTORY'],
    ['SELECT (SELECT 1) AS system, count() FROM messages WHERE conv IN system.tables', 403, 'SQL_OUTSIDE_HISTORY'],
    ['SELECT * FROM information_schema.tables', 403, 'SQL_OUTSIDE_HISTORY'],
    ['SELECT * FROM `default`.messages', 403, 'SQL_OUTSIDE_HISTORY'],
    ["SELECT file('/etc/passwd') AS f", 403, 'SQL_OUTSIDE_HISTORY'],
    ["SELECT * FROM file('/etc/passwd', 'LineAsString')", 403, 'SQL_OUTSIDE_HISTORY'],
    ["SELECT * FROM url('http://127.0.0.1:9/x', 'CSV', 'a String')", 403, 'SQL_OUTSIDE_HISTORY'],
    ["SELECT * FROM remote('127.0.0.1', 'system', 'one')", 403, 'SQL_OUTSIDE_HISTORY'],
    ["SELECT * FROM merge('system', '^tables$')", 403, 'SQL_OUTSIDE_HISTORY'],
    ["SELECT dictGet('system.d', 'v', 1)", 403, 'SQL_OUTSIDE_HISTORY'],
    ['SELECT 1; SELECT name FROM system.tables', 400, 'SQL_ERROR'],
    ['SELECT 1 FORMAT CSV', 400, 'SQL_ERROR'],
  ]

  test('writes, DDL, settings and reads outside the history are refused with a code, and the history is intact', async () => {
    const before = await counts()
    const wrong: string[] = []
    for (const [query, status, code] of refusals) {
      const r = await sql(query)
      if (r.status !== status || r.body.error?.code !== code || !r.body.error.message)
        wrong.push(`${query} → ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`)
    }
    assert.deepEqual(wrong, [], 'every line is refused as listed')
    assert.deepEqual(await counts(), before, 'no refused query changed the history')
  })

  test('only one statement runs: a second one is refused unparsed, and its output cannot leak through an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqline-secret-'))
    t.defer(() => rmSync(dir, { recursive: true, force: true }))
    const secret = join(dir, 'secret.txt')
    writeFileSync(secret, 'not-for-analysts')
    for (const query of [
      `SELECT 1; SELECT toUInt8(file('${secret}'))`,
      `SELECT 1; SELECT toUInt8((SELECT concat('lea', 'ked', toString(count())) FROM system.tables))`,
    ]) {
      const r = await sql(query)
      assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`)
      assert.equal(r.body.error.code, 'SQL_ERROR')
      assert.match(r.body.error.message, /Multi-statements are not allowed/)
      assert.doesNotMatch(r.body.error.message, /not-for-analysts|leaked\d/)
    }
  })

  // chDB writes INTO OUTFILE even under readonly=1: only running the statement inside SELECT * FROM (…) stops it.
  test('a result cannot be written to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqline-outfile-'))
    t.defer(() => rmSync(dir, { recursive: true, force: true }))
    const target = join(dir, 'dump.csv')
    const r = await sql(`SELECT text FROM messages INTO OUTFILE '${target}'`)
    assert.equal(r.status, 400, JSON.stringify(r.body))
    assert.equal(r.body.error.code, 'SQL_ERROR')
    assert.equal(existsSync(target), false)
  })

  test('the time limit and the row limit hold', async () => {
    const started = Date.now()
    const slow = await sql('SELECT count() FROM numbers(10000000000) WHERE cityHash64(number) % 7 = 3')
    assert.equal(slow.status, 400, JSON.stringify(slow.body))
    assert.equal(slow.body.error.code, 'SQL_TIMEOUT')
    assert.ok(Date.now() - started < 10_000, `a 1 s limit ended the query after ${Date.now() - started} ms`)
    const many = await sql('SELECT number FROM numbers(100000)')
    assert.equal(many.status, 400, JSON.stringify(many.body))
    assert.equal(many.body.error.code, 'SQL_TOO_MANY_ROWS')
    const fifty = await sql('SELECT number FROM numbers(50)')
    assert.equal(fifty.body.rowCount, 50, 'exactly the limit is allowed')
  })

  test('the memory cap holds and cannot be lifted from inside the query', async () => {
    // 50 million UInt64 in one array: 400 MB, over the 64 MiB cap the stack is given.
    const big = await sql('SELECT length(range(50000000)) AS n')
    assert.equal(big.status, 400, JSON.stringify(big.body))
    assert.equal(big.body.error.code, 'SQL_TOO_MUCH_MEMORY')
    const small = await sql('SELECT length(range(1000000)) AS n')
    assert.deepEqual(small.body.rows, [{ n: 1000000 }], '8 MB is under the cap')
    for (const loosen of ['SELECT length(range(50000000)) AS n SETTINGS max_memory_usage = 0', 'SET max_memory_usage = 0']) {
      const r = await sql(loosen)
      assert.equal(r.status, 403, `${loosen}: ${JSON.stringify(r.body)}`)
      assert.equal(r.body.error.code, 'SQL_READ_ONLY')
    }
    const after = await sql('SELECT length(range(50000000)) AS n')
    assert.equal(after.body.error?.code, 'SQL_TOO_MUCH_MEMORY', 'still capped after the attempts')
  })

  test('the history sink keeps writing while analysts are read-only', async () => {
    const before = await counts()
    await accepted(t.handler, text('s3', 'g_sql', 'ann', 'third'))
    await sinkCaughtUp(sink)
    const after = await counts()
    assert.equal(after.messages, (before.messages ?? 0) + 1)
    const seen = await sql(`SELECT count() AS n FROM messages WHERE conv = 'g_sql'`)
    assert.deepEqual(seen.body.rows, [{ n: 3 }], 'the analyst session sees what the sink wrote')
  })
})
