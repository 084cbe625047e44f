/*
 * @clickhouse/client 1.23.1 against Debian's clickhouse-server 18.16.1 (measured here;
 * the assertions marked "18.16" are skipped against a modern server in container mode).
 *
 * Client and protocol
 * - The client sends no settings by default (only query_id; enable_http_compression=1
 *   only with compression.response: true, which 18.16 handles, gzip both ways). Nothing
 *   to turn off; avoid the options that become URL params 18.16 does not know:
 *   query_params (sent as param_<name>: "Code: 115 Unknown setting param_x"), role
 *   ("Unknown setting role"), and settings such as async_insert, mutations_sync,
 *   input_format_defaults_for_omitted_fields (all Code 115). Inline values as escaped
 *   literals instead of query_params.
 * - Errors are plain Error, not ClickHouseError: 18.16 writes "Code: N, e.displayText() =
 *   DB::Exception: ..." without the "(TYPE_NAME)" the client's regex needs, so err.code
 *   and err.type are undefined; read the code with /Code: (\d+)/ from err.message.
 * - Authenticate with Basic auth (the default). set_basic_auth_header: false sends
 *   X-ClickHouse-User/Key, which 18.16 ignores: the query runs as `default`, silently.
 * - ping() answers without checking credentials (on every version); a wrong password
 *   shows on the first query (Code 193 on 18.16).
 * - No X-ClickHouse-Summary header: insert()/command() results have no summary.
 * - Formats: JSONEachRow, JSON, JSONCompact work; JSONCompactEachRow, JSONStringsEachRow,
 *   JSONStrings, JSONObjectEachRow, JSONEachRowWithProgress do not (Code 73).
 * - UInt64/Int64 (count(), uniqExact(), seq columns, positionCaseInsensitiveUTF8's result)
 *   come back as JSON strings; output_format_json_quote_64bit_integers: 0 makes them
 *   numbers (beyond 2^53 they lose precision in JS). Set it explicitly: modern servers
 *   may default differently.
 * - clickhouse_settings pass through as URL params: readonly: '1' (writes refused, Code 164,
 *   and so are table functions such as numbers(n): read system.numbers instead; other
 *   settings in the same request are still accepted, in any order), max_execution_time
 *   (Code 159 when exceeded), max_result_rows with result_overflow_mode 'throw' (Code 396)
 *   or 'break' (stops after the block that crosses the limit: up to max_block_size=65536
 *   rows more, so still use LIMIT), date_time_input_format, session_id all work.
 *
 * Inserts
 * - JSONEachRow fills an omitted key with the type's zero (Date 0000-00-00), not the
 *   column's DEFAULT expression. Pass insert({ columns: [...] }) listing the sent
 *   columns: the others then get their DEFAULT.
 * - DateTime text must be 'YYYY-MM-DD hh:mm:ss' or unix seconds (number or string);
 *   ISO 8601 ('...T...Z') needs clickhouse_settings { date_time_input_format: 'best_effort' }.
 * - 64-bit integers are accepted as JSON strings; unknown keys are refused (Code 117)
 *   unless input_format_skip_unknown_fields: 1.
 *
 * SQL that works: ReplacingMergeTree(ver) with PARTITION BY/ORDER BY, FINAL, has, hasAny,
 * hasAll, arrayJoin, positionCaseInsensitiveUTF8, lowerUTF8 (lower is ASCII-only), tuple
 * IN ((a,b),(c,d)) on columns, LIMIT n BY, toStartOfDay, toDate, uniqExact, LIKE,
 * lambdas (arrayFilter), Nullable, LowCardinality (with
 * allow_experimental_low_cardinality_type: 1), numbers(n), EXISTS TABLE, OPTIMIZE FINAL.
 * SQL that does not: hasToken, multiSearchAny*, DateTime64, ILIKE, WITH name AS (subquery),
 * data-skipping INDEX, TTL (syntax errors or Code 46). match(s, '(?i)...') silently
 * returns 0 (the literal prefilter is case-sensitive): use positionCaseInsensitiveUTF8.
 *
 * Mutations
 * - ALTER TABLE ... UPDATE / DELETE are asynchronous: command() returns at once and
 *   there is no mutations_sync. Wait by polling system.mutations until no row for the
 *   table has is_done = 0 (finished mutations stay listed, is_done = 1).
 * - A mutation that fails while running (e.g. throwIf) stays is_done = 0 forever and
 *   18.16 has no latest_fail_reason column: the wait needs a timeout.
 * - Key columns, the ReplacingMergeTree version column included, cannot be updated
 *   (Code 420). `SET col = []` on Array(String) fails (Code 44): use emptyArrayString().
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type ClickHouseClient, type ClickHouseClientConfigOptions, ClickHouseError, ClickHouseLogLevel, createClient } from '@clickhouse/client'
import { withClickHouseServer } from '../helpers/clickhouse.js'

const USER = { name: 'seqline', password: "s3cret'<&>" }

test('ClickHouse server: client quirks, schema, mutations, and data across restarts', async (t) => {
  const ch = await withClickHouseServer(t, { user: USER })
  let client = connect({ url: ch.url })
  t.after(() => client.close())

  assert.deepEqual(await client.ping(), { success: true })
  const [row] = await rows<{ version: string }>(client, 'SELECT version() AS version')
  const version = row?.version ?? ''
  const is1816 = version.startsWith('18.16.')
  if (ch.mode === 'local') assert.ok(is1816, `the local server is Debian's 18.16, got ${version}`)

  await t.test('errors, query parameters and authentication', async () => {
    const err = await failure(() => rows(client, 'SELECT {a:UInt32} AS a', { query_params: { a: 1 } }))
    if (is1816) {
      assert.match(err.message, /Code: 115, .*Unknown setting param_a/)
      assert.ok(!(err instanceof ClickHouseError), '18.16 errors do not parse into ClickHouseError')
      assert.equal(errorCode(err), 115)
    }

    const basic = connect({ url: ch.url, username: USER.name, password: USER.password })
    const headers = connect({ url: ch.url, username: USER.name, password: USER.password, set_basic_auth_header: false })
    const wrong = connect({ url: ch.url, username: USER.name, password: 'wrong' })
    try {
      assert.equal(await currentUser(basic), USER.name)
      if (is1816) assert.equal(await currentUser(headers), 'default', '18.16 ignores X-ClickHouse-User/Key')
      assert.deepEqual(await wrong.ping(), { success: true }, 'ping does not authenticate')
      const denied = await failure(() => rows(wrong, 'SELECT 1'))
      if (is1816) assert.equal(errorCode(denied), 193)
    } finally {
      await Promise.all([basic.close(), headers.close(), wrong.close()])
    }
  })

  await t.test('64-bit integers and formats', async () => {
    const query = 'SELECT toUInt64(9007199254740993) AS big, count() AS n FROM numbers(3)'
    if (is1816) assert.deepEqual(await rows(client, query), [{ big: '9007199254740993', n: '3' }], 'quoted by default')
    assert.deepEqual(await rows(client, query, { settings: { output_format_json_quote_64bit_integers: 1 } }), [{ big: '9007199254740993', n: '3' }])
    assert.deepEqual(await rows(client, 'SELECT toUInt64(7) AS n', { settings: { output_format_json_quote_64bit_integers: 0 } }), [{ n: 7 }])

    const json = await (
      await client.query({ query: 'SELECT number AS n FROM numbers(2)', format: 'JSON', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })
    ).json<{ n: number }>()
    assert.deepEqual(json.data, [{ n: 0 }, { n: 1 }])
    assert.deepEqual(json.meta, [{ name: 'n', type: 'UInt64' }])
    assert.equal(json.rows, 2)

    if (is1816) {
      const unknown = await failure(async () => (await client.query({ query: 'SELECT 1', format: 'JSONCompactEachRow' })).json())
      assert.equal(errorCode(unknown), 73)
    }
  })

  await t.test('settings through clickhouse_settings', async () => {
    const limited = {
      readonly: '1',
      max_execution_time: 5,
      max_result_rows: '100',
      result_overflow_mode: 'throw',
      output_format_json_quote_64bit_integers: 0,
    } as const
    assert.deepEqual(await rows(client, 'SELECT count() AS n FROM (SELECT number FROM system.numbers LIMIT 10)', { settings: limited }), [{ n: 10 }])
    if (is1816) {
      const tableFunction = await failure(() => rows(client, 'SELECT count() FROM numbers(10)', { settings: { readonly: '1' } }))
      assert.match(tableFunction.message, /Code: 164, .*Table functions are forbidden in readonly mode/)
    }
    await client.command({ query: 'CREATE TABLE ro_probe (a UInt8) ENGINE = Memory' })
    const readonly = await failure(() => client.command({ query: 'INSERT INTO ro_probe VALUES (1)', clickhouse_settings: { readonly: '1' } }))
    assert.equal(errorCode(readonly), 164)

    const overflow = await failure(() =>
      rows(client, 'SELECT number FROM numbers(1000)', { settings: { max_result_rows: '10', result_overflow_mode: 'throw' } }),
    )
    assert.equal(errorCode(overflow), 396)
    const broken = await rows(client, 'SELECT number FROM numbers(100000)', {
      settings: { max_result_rows: '10', result_overflow_mode: 'break', max_block_size: '10' },
    })
    assert.ok(broken.length >= 10 && broken.length < 100_000, `break stops after the block crossing the limit, got ${broken.length}`)

    const timeout = await failure(() => rows(client, 'SELECT count() FROM system.numbers', { settings: { max_execution_time: 1 } }))
    assert.equal(errorCode(timeout), 159)
  })

  await t.test('what 18.16 does not have', { skip: !is1816 && 'modern server' }, async () => {
    const refused: Array<[string, number]> = [
      ["SELECT hasToken('hello world', 'world')", 46],
      ["SELECT multiSearchAny('hello', ['ell'])", 46],
      ["SELECT toDateTime64('2024-01-01 00:00:00', 3)", 46],
      ["SELECT 'Hello' ILIKE 'h%'", 62],
      ['WITH x AS (SELECT 1 AS a) SELECT * FROM x', 62],
    ]
    for (const [query, code] of refused) assert.equal(errorCode(await failure(() => rows(client, query))), code, query)
    for (const setting of ['mutations_sync', 'input_format_defaults_for_omitted_fields', 'async_insert']) {
      assert.equal(errorCode(await failure(() => rows(client, 'SELECT 1', { settings: { [setting]: '1' } }))), 115, setting)
    }
    const index = await failure(() =>
      client.command({ query: 'CREATE TABLE si (a String, INDEX ia a TYPE minmax GRANULARITY 1) ENGINE = MergeTree ORDER BY a' }),
    )
    assert.equal(errorCode(index), 62)
    assert.deepEqual(await rows(client, "SELECT match('Hello', '(?i)hel') AS m"), [{ m: 0 }], 'case-insensitive regex flag is silently ignored')
  })

  await t.test('inserts: omitted keys, DEFAULT and DateTime text', async () => {
    await client.command({ query: 'CREATE TABLE defaults_probe (id UInt32, ts DateTime, day Date DEFAULT toDate(ts)) ENGINE = MergeTree ORDER BY id' })
    await client.insert({ table: 'defaults_probe', format: 'JSONEachRow', values: [{ id: 1, ts: '2024-05-06 07:08:09' }] })
    await client.insert({ table: 'defaults_probe', format: 'JSONEachRow', columns: ['id', 'ts'], values: [{ id: 2, ts: 1714979289 }] })
    const iso = { id: 3, ts: '2024-05-06T07:08:09Z' }
    if (is1816) {
      const basic = await failure(() => client.insert({ table: 'defaults_probe', format: 'JSONEachRow', columns: ['id', 'ts'], values: [iso] }))
      assert.equal(errorCode(basic), 27)
    }
    await client.insert({
      table: 'defaults_probe',
      format: 'JSONEachRow',
      columns: ['id', 'ts'],
      values: [iso],
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    })
    const got = await rows<{ id: number; ts: string; day: string }>(client, 'SELECT id, ts, day FROM defaults_probe ORDER BY id')
    assert.deepEqual(got.slice(1), [
      { id: 2, ts: '2024-05-06 07:08:09', day: '2024-05-06' },
      { id: 3, ts: '2024-05-06 07:08:09', day: '2024-05-06' },
    ])
    if (is1816) assert.equal(got[0]?.day, '0000-00-00', 'an omitted JSONEachRow key gets the type zero, not DEFAULT')
  })

  await t.test('schema, reads and functions', async () => {
    await createMessages(client)
    await client.insert({ table: 'messages', format: 'JSONEachRow', columns: COLUMNS, values: MESSAGES })
    // A second version of c1/2 (an edit): ReplacingMergeTree keeps the highest ver under FINAL.
    await client.insert({ table: 'messages', format: 'JSONEachRow', columns: COLUMNS, values: [{ ...MESSAGES[1], ver: 2, text: 'Привет Мир (edited)' }] })
    assert.deepEqual(await rows(client, "SELECT seq, text FROM messages FINAL WHERE conv = 'c1' ORDER BY seq", QUOTED), [
      { seq: '1', text: 'Hello World' },
      { seq: '2', text: 'Привет Мир (edited)' },
      { seq: '3', text: 'burn me' },
    ])

    assert.deepEqual(
      await rows(
        client,
        `SELECT conv, seq FROM messages FINAL WHERE positionCaseInsensitiveUTF8(text, ${sqlString('МИР')}) > 0 OR lowerUTF8(text) LIKE '%hello%' ORDER BY conv, seq`,
        QUOTED,
      ),
      [
        { conv: 'c1', seq: '1' },
        { conv: 'c1', seq: '2' },
      ],
    )
    assert.deepEqual(await rows(client, "SELECT conv, seq FROM messages FINAL WHERE has(mentions, 'bob') ORDER BY conv, seq", QUOTED), [
      { conv: 'c1', seq: '1' },
      { conv: 'c2', seq: '1' },
    ])
    assert.deepEqual(await rows(client, "SELECT conv, seq FROM messages FINAL WHERE hasAny(mentions, ['carol', 'zed']) ORDER BY conv, seq", QUOTED), [
      { conv: 'c1', seq: '3' },
    ])
    assert.deepEqual(await rows(client, "SELECT conv, seq FROM messages FINAL WHERE hasAll(mentions, ['alice', 'bob'])", QUOTED), [{ conv: 'c2', seq: '1' }])
    assert.deepEqual(await rows(client, 'SELECT arrayJoin(mentions) AS who, count() AS n FROM messages FINAL GROUP BY who ORDER BY who', NUMBERS), [
      { who: 'alice', n: 1 },
      { who: 'bob', n: 2 },
      { who: 'carol', n: 1 },
    ])
    assert.deepEqual(await rows(client, "SELECT conv, seq FROM messages FINAL WHERE (conv, seq) IN (('c1', 3), ('c2', 1)) ORDER BY conv", NUMBERS), [
      { conv: 'c1', seq: 3 },
      { conv: 'c2', seq: 1 },
    ])
    assert.deepEqual(await rows(client, 'SELECT conv, seq FROM messages FINAL ORDER BY conv, seq DESC LIMIT 1 BY conv', NUMBERS), [
      { conv: 'c1', seq: 3 },
      { conv: 'c2', seq: 1 },
    ])
    assert.deepEqual(
      await rows(
        client,
        'SELECT toDate(ts) AS d, toStartOfDay(ts) AS start, uniqExact(author) AS authors, count() AS n FROM messages FINAL GROUP BY d, start ORDER BY d',
        NUMBERS,
      ),
      [
        { d: '2024-05-06', start: '2024-05-06 00:00:00', authors: 2, n: 3 },
        { d: '2024-05-07', start: '2024-05-07 00:00:00', authors: 1, n: 1 },
      ],
    )
    assert.deepEqual(await rows(client, "SELECT lowerUTF8('ÄÖÜ Привет') AS utf8, lower('ÄÖÜ') AS ascii"), [{ utf8: 'äöü привет', ascii: 'ÄÖÜ' }])
    const nasty = "it's \\ a 'quote'\n日本 🎉"
    await client.insert({ table: 'messages', format: 'JSONEachRow', columns: COLUMNS, values: [{ ...MESSAGES[3], conv: 'c3', text: nasty }] })
    assert.deepEqual(
      await rows(client, `SELECT conv FROM messages WHERE text = ${sqlString(nasty)}`),
      [{ conv: 'c3' }],
      'inlined literal instead of query_params',
    )
  })

  await t.test('mutations are asynchronous; wait on system.mutations', async () => {
    await client.command({ query: "ALTER TABLE messages UPDATE text = '', mentions = emptyArrayString() WHERE conv = 'c1' AND seq = 3" })
    await client.command({ query: "ALTER TABLE messages DELETE WHERE conv IN ('c2', 'c3')" })
    await waitForMutations(client, 'messages')
    assert.deepEqual(await rows(client, 'SELECT conv, seq, text, mentions FROM messages FINAL ORDER BY conv, seq', NUMBERS), AFTER_MUTATIONS)

    const keyColumn = await failure(() => client.command({ query: "ALTER TABLE messages UPDATE ver = 9 WHERE conv = 'c1'" }))
    assert.equal(errorCode(keyColumn), 420, 'the version column is a key column')
    if (is1816) {
      const emptyLiteral = await failure(() => client.command({ query: "ALTER TABLE messages UPDATE mentions = [] WHERE conv = 'c1'" }))
      assert.equal(errorCode(emptyLiteral), 44)
    }
  })

  await t.test('data survives a stop and a SIGKILL of the same data dir', async () => {
    // Idle keep-alive sockets hold a graceful stop until the client drops them: close first.
    await client.close()
    await ch.stop()
    await ch.restart()
    client = connect({ url: ch.url })
    assert.deepEqual(await rows(client, 'SELECT conv, seq, text, mentions FROM messages FINAL ORDER BY conv, seq', NUMBERS), AFTER_MUTATIONS)

    await client.insert({ table: 'messages', format: 'JSONEachRow', columns: COLUMNS, values: [{ ...MESSAGES[0], seq: 4, text: 'just before the crash' }] })
    await ch.kill()
    await ch.restart()
    assert.deepEqual(await rows(client, "SELECT seq, text FROM messages FINAL WHERE conv = 'c1' AND seq = 4", NUMBERS), [
      { seq: 4, text: 'just before the crash' },
    ])
    await client.close()
  })
})

const QUOTED = { settings: { output_format_json_quote_64bit_integers: 1 } } as const
const NUMBERS = { settings: { output_format_json_quote_64bit_integers: 0 } } as const

const COLUMNS: [string, ...string[]] = ['conv', 'seq', 'ver', 'ts', 'author', 'text', 'mentions']
const MESSAGES = [
  { conv: 'c1', seq: 1, ver: 1, ts: '2024-05-06 07:08:09', author: 'alice', text: 'Hello World', mentions: ['bob'] },
  { conv: 'c1', seq: 2, ver: 1, ts: 1714979300, author: 'bob', text: 'Привет Мир', mentions: [] },
  { conv: 'c1', seq: 3, ver: 1, ts: '2024-05-06 23:59:59', author: 'alice', text: 'burn me', mentions: ['carol'] },
  { conv: 'c2', seq: '1', ver: '1', ts: '2024-05-07 00:00:00', author: 'carol', text: 'second conversation', mentions: ['alice', 'bob'] },
] as const
const AFTER_MUTATIONS = [
  { conv: 'c1', seq: 1, text: 'Hello World', mentions: ['bob'] },
  { conv: 'c1', seq: 2, text: 'Привет Мир (edited)', mentions: [] },
  { conv: 'c1', seq: 3, text: '', mentions: [] },
]

async function createMessages(client: ClickHouseClient): Promise<void> {
  await client.command({
    query: `CREATE TABLE messages (
      conv String, seq UInt64, ver UInt64, ts DateTime, day Date DEFAULT toDate(ts),
      author String, text String, mentions Array(String)
    ) ENGINE = ReplacingMergeTree(ver) PARTITION BY toYYYYMM(day) ORDER BY (conv, seq)`,
  })
}

/** The client logs every refused query with its stack; this file provokes many on purpose. */
function connect(opts: ClickHouseClientConfigOptions): ClickHouseClient {
  return createClient({ log: { level: ClickHouseLogLevel.OFF }, ...opts })
}

interface RowsOptions {
  settings?: Record<string, string | number>
  query_params?: Record<string, unknown>
}

async function rows<T = Record<string, unknown>>(client: ClickHouseClient, query: string, opts: RowsOptions = {}): Promise<T[]> {
  const result = await client.query({
    query,
    format: 'JSONEachRow',
    ...(opts.settings === undefined ? {} : { clickhouse_settings: opts.settings }),
    ...(opts.query_params === undefined ? {} : { query_params: opts.query_params }),
  })
  return result.json<T>()
}

async function currentUser(client: ClickHouseClient): Promise<string | undefined> {
  // 18.16 has no currentUser(); its own entry in system.processes names the user.
  const queryId = `user-probe-${Math.random().toString(36).slice(2)}`
  const result = await client.query({ query: `SELECT user FROM system.processes WHERE query_id = '${queryId}'`, format: 'JSONEachRow', query_id: queryId })
  const [row] = await result.json<{ user: string }>()
  return row?.user
}

/** Mutations run in the background; 18.16 has no mutations_sync, so poll. A failed mutation never finishes: time out. */
async function waitForMutations(client: ClickHouseClient, table: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const pending = await rows<{ mutation_id: string; command: string }>(
      client,
      `SELECT mutation_id, command FROM system.mutations WHERE database = currentDatabase() AND table = ${sqlString(table)} AND is_done = 0`,
    )
    if (pending.length === 0) return
    if (Date.now() > deadline) throw new Error(`mutations on ${table} not done after ${timeoutMs} ms: ${JSON.stringify(pending)}`)
    await sleep(20)
  }
}

/** A ClickHouse string literal: backslash and quote escaped (what query_params would do on a modern server). */
function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn()
  } catch (err) {
    assert.ok(err instanceof Error)
    return err
  }
  assert.fail('expected the server to refuse')
}

/** The server's error code: from ClickHouseError on modern servers, from the message text on 18.16. */
function errorCode(err: Error): number | undefined {
  if (err instanceof ClickHouseError) return Number(err.code)
  const match = /Code: (\d+)/.exec(err.message)
  return match?.[1] === undefined ? undefined : Number(match[1])
}
