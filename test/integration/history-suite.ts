// The history test suite, run once on embedded chDB and once on a real
// ClickHouse server (history-chdb.test.ts, history-server.test.ts).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { EventLog, Followed } from '../../core/log/index.js'
import { follow } from '../../core/log/index.js'
import { HistoryWriter, type Table } from '../../projections/history/history-writer.js'
import type { HistoryDb } from '../../projections/history/index.js'
import {
  HistoryBatch,
  HistorySink,
  MIGRATIONS,
  migrate,
  type SearchRequest,
  type SearchScope,
  schemaVersion,
  searchMessages,
} from '../../projections/history/index.js'
import { PART_REMOVAL } from '../../projections/history/schema.js'
import { quote } from '../../projections/history/sql.js'
import { TOKEN_REGEXP_SQL, terms as termsOf, words as tokenize } from '../../projections/history/words.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { type BackendName, sinkCaughtUp, withHistoryBackend } from '../helpers/history.js'
import { createGroup, text, withLogServer } from '../helpers/log.js'
import { waitCaughtUp } from '../helpers/views.js'

const ALL: SearchScope = { all: true }
/** Searches what a user typed (the words joined by spaces), split into terms as the API splits a query. */
const find = (db: HistoryDb, words: string[], more: Partial<SearchRequest> = {}, scope: SearchScope = ALL) => {
  const typed = words.join(' ')
  const terms = more.mode === 'phrase' ? [tokenize(typed)] : termsOf(typed)
  return searchMessages(db, scope, { terms, mode: 'all', limit: 100, ...more }).then((p) => p.hits.map((h) => `${h.conv}#${h.seq}`).sort())
}

/** Every event in the log, as the sink would be handed them. */
async function everything(log: EventLog): Promise<Followed[]> {
  const all: Followed[] = []
  const f = await follow(log, {}, (e) => void all.push(e))
  // Bounded: a follower that stalls fails the test instead of hanging it.
  await waitCaughtUp(log, () => f.cursor, 20_000)
  await f.stop()
  return all
}

async function count(db: HistoryDb, table: string, where = '1'): Promise<number> {
  const [row] = await db.rows<{ n: number }>(`SELECT count() AS n FROM ${db.table(table)} WHERE ${where}`)
  return Number(row?.n)
}

/** (conv, seq[, pos]) keys stored more than once, physically: no FINAL. */
async function duplicates(db: HistoryDb, table: string, key: string): Promise<number> {
  const [row] = await db.rows<{ n: number }>(`SELECT count() AS n FROM (SELECT ${key}, count() AS c FROM ${db.table(table)} GROUP BY ${key} HAVING c > 1)`)
  return Number(row?.n)
}

export function historySuite(backend: BackendName): void {
  describe(`history on ${backend === 'chdb' ? 'embedded chDB' : 'a real ClickHouse server'}`, () => {
    const t = withLogServer()
    const h = withHistoryBackend(backend)
    const run = async (command: Parameters<typeof t.handler.execute>[0]) => {
      const r = await t.handler.execute(command)
      assert.ok(r.ok, JSON.stringify(r))
      return r
    }
    let dbCount = 0
    const freshDb = () => h.open(`t_${backend}_${++dbCount}`)

    async function runSink(db: HistoryDb, opts = {}): Promise<HistorySink> {
      const sink = new HistorySink(t.log, db, { flushIntervalMs: 20, ...opts })
      await sink.start()
      t.defer(() => sink.stop())
      await sinkCaughtUp(sink)
      return sink
    }

    test('migrations are versioned and idempotent; the strategy follows the server', async () => {
      const db = await freshDb()
      assert.deepEqual(await migrate(db), [1, 2, 3, 4])
      assert.deepEqual(await migrate(db), [])
      assert.equal(await schemaVersion(db), 4)
      if (backend === 'chdb') assert.equal(db.caps.textIndex, true, 'chDB 26.x has the text index')
      const [created] = await db.rows<{ ddl: string }>(
        `SELECT create_table_query AS ddl FROM system.tables WHERE database = '${db.database}' AND name = 'messages'`,
      )
      // Where table settings can change, replaced parts go within seconds; 18.16 keeps the 30 s set at CREATE.
      const lifetime = db.caps.tableSettings.has('old_parts_lifetime') ? PART_REMOVAL.old_parts_lifetime : 30
      assert.match(created?.ddl ?? '', new RegExp(`old_parts_lifetime = ${lifetime}\\b`))
      if (db.caps.tableSettings.has('max_cleanup_delay_period')) assert.match(created?.ddl ?? '', /max_cleanup_delay_period = 5\b/)
      console.log(`# ${backend}: ClickHouse ${db.caps.version}, ${db.caps.textIndex ? 'text index' : 'word scan'}, query parameters ${db.caps.queryParams}`)
    })

    test('migration 3 moves an existing history to CJK tokens; Latin search works throughout', async () => {
      const db = await freshDb()
      assert.deepEqual(await migrate(db, MIGRATIONS.slice(0, 2)), [1, 2])
      const texts = ['我们明天开会讨论季度路线图 budget', 'Seqline发布了v2']
      // The word column as the splitByNonAlpha tokenizer before migration 3 filled it: a CJK run is one word.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: splitByNonAlpha's separators start at byte 0
      const nonAlpha = /[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]+/
      const oldWords = (s: string) =>
        s
          .toLowerCase()
          .split(nonAlpha)
          .filter((w) => w.length > 0)
      const rows = texts.map((text, i) => ({
        part: 0,
        pos: i + 1,
        conv: 'g_mig',
        seq: i + 2,
        at_ms: 1_700_000_000_000 + i,
        sender: 'ann',
        kind: 'text',
        state: 'live',
        text,
      }))
      await db.insert('messages', db.caps.textIndex ? rows : rows.map((r) => ({ ...r, words: oldWords(r.text) })))
      const cjk = () => searchMessages(db, ALL, { terms: termsOf('路线图'), mode: 'all', limit: 10 }).then((p) => p.hits.map((h) => `${h.conv}#${h.seq}`))
      assert.deepEqual(await cjk(), [], 'before the migration a CJK run is not found')
      assert.deepEqual(await find(db, ['budget']), ['g_mig#2'])
      assert.deepEqual(await migrate(db, MIGRATIONS.slice(0, 3)), [3])
      assert.deepEqual(await find(db, ['budget']), ['g_mig#2'], 'Latin words are found right after the change')
      const deadline = Date.now() + 30_000
      while ((await cjk()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      assert.deepEqual(await cjk(), ['g_mig#2'], 'the rebuilt tokens find the CJK run')
      assert.deepEqual(await find(db, ['发布', 'v2']), ['g_mig#3'])
      assert.deepEqual(await find(db, ['budget']), ['g_mig#2'])
    })

    test('migration 4 rebuilds the messages of embedded chDB in granules of 1,024 rows, every message kept, a cut-short copy made again', async () => {
      const db = await freshDb()
      assert.deepEqual(await migrate(db, MIGRATIONS.slice(0, 3)), [1, 2, 3])
      const version = (seq: number, pos: number, state: string, text: string) => ({
        part: 0,
        pos,
        conv: 'g_gran',
        seq,
        at_ms: 1_700_000_000_000 + pos,
        sender: 'ann',
        kind: 'text',
        state,
        text,
        ...(db.caps.textIndex ? {} : { words: tokenize(text) }),
      })
      // An edited message (its old version must stay unfound), a recalled one, and enough rows for several granules.
      const filler = Array.from({ length: 5000 }, (_, i) => version(10 + i, 10 + i, 'live', `filler ${i} 季度`))
      // Each version in an INSERT of its own, as the sink writes them batch by batch (one INSERT keeps only the newest of a key).
      for (const row of [
        version(1, 1, 'live', '旧的路线图'),
        version(1, 2, 'edited', '新的路线图'),
        version(2, 3, 'live', 'recalled words'),
        version(2, 4, 'recalled', ''),
      ])
        await db.insert('messages', [row])
      await db.insert('messages', filler)
      // A copy cut short by a crash: the table exists with some rows, and is dropped and made again.
      if (backend === 'chdb') {
        await db.command(`CREATE TABLE ${db.table('messages_rebuild')} AS ${db.table('messages')} SETTINGS index_granularity = 1024`)
        await db.insert('messages_rebuild', filler.slice(0, 10))
      }
      // The copy may keep only the newest version of a message (ClickHouse replaces within an INSERT), as a merge would: what FINAL reads is the same.
      const newest = () =>
        db.rows<{ k: string }>(`SELECT concat(conv, '#', toString(seq), '@', toString(pos), state, text) AS k FROM ${db.table('messages')} FINAL ORDER BY k`)
      const before = await newest()
      const physical = await count(db, 'messages')
      assert.deepEqual(await migrate(db), [4])
      assert.deepEqual(await migrate(db), [])
      assert.equal(before.length, 5002)
      assert.deepEqual(await newest(), before, 'every message at its newest version')
      assert.ok((await count(db, 'messages')) <= physical, 'nothing copied twice')
      assert.equal(await duplicates(db, 'messages', 'conv, seq, pos'), 0)
      const sql = db.sql()
      const ddl = async (name: string) =>
        (
          await db.rows<{ ddl: string }>(
            `SELECT create_table_query AS ddl FROM system.tables WHERE database = ${sql.value(db.database, 'String')} AND name = ${sql.value(name, 'String')}`,
            sql,
          )
        )[0]?.ddl
      const created = (await ddl('messages')) ?? ''
      // Only embedded chDB is rebuilt: on a server other processes may be writing (docs/history.md).
      if (backend === 'chdb') assert.match(created, /index_granularity = 1024\b/)
      else assert.doesNotMatch(created, /index_granularity = 1024\b/)
      if (db.caps.tableSettings.has('max_cleanup_delay_period'))
        assert.match(created, /max_cleanup_delay_period = 5\b/, 'the prompt removal of replaced parts is kept')
      assert.equal(await ddl('messages_rebuild'), undefined, 'no copy left behind')
      assert.deepEqual(await find(db, ['路线图']), ['g_gran#1'])
      assert.deepEqual(await find(db, ['旧的']), [], 'an edited message is not found by its old words')
      assert.deepEqual(await find(db, ['recalled']), [])
      assert.equal((await find(db, ['季度'])).length, 100, 'a full page of a word in every granule')
    })

    test('the server splits text into the tokens words.ts gives (asciiCJK index, or the SQL that rebuilds the word column)', async () => {
      const db = await freshDb()
      const samples = [
        'Seqline发布了v2',
        '我们明天开会讨论季度路线图',
        '東京でカタカナ 한국어',
        'Héllo WÖRLD 😀x🎉',
        "a.b, c:d can't 1.5 x@y.z 3,000 foo_bar x-y",
        '路，线。图！',
      ]
      const sql = db.sql()
      for (const sample of samples) {
        const expr = db.caps.textIndex
          ? `tokens(lowerUTF8(${sql.value(sample, 'String')}), 'asciiCJK')`
          : `extractAll(lowerUTF8(${sql.value(sample, 'String')}), ${quote(TOKEN_REGEXP_SQL)})`
        const [row] = await db.rows<{ t: string[] }>(`SELECT ${expr} AS t`, sql)
        assert.deepEqual(row?.t, tokenize(sample), sample)
      }
    })

    test('search: all / any / phrase, filters, newest first, cursor pages cover every hit once', async () => {
      await createGroup(t.handler, 'g_search', 'ann', ['ben', 'cy'])
      const lines = [
        ['ann', 'The quick brown fox'],
        ['ben', 'a QUICK lunch, then the brown bag'],
        ['cy', 'brown quick fox? no: quick brown!'],
        ['ann', 'nothing to see'],
        ['ben', 'fox'],
      ] as const
      for (const [i, [who, body]] of lines.entries()) await run(text(`s${i}`, 'g_search', who, body))
      await run({
        type: 'message.send',
        id: 's-img',
        conv: 'g_search',
        actor: 'cy',
        data: { content: { type: 'image', url: 'https://x.test/a.png', caption: 'brown fox photo' } },
      })
      const db = await freshDb()
      await runSink(db)
      // seqs: create=1, messages 2..6, image 7
      assert.deepEqual(await find(db, ['quick', 'brown']), ['g_search#2', 'g_search#3', 'g_search#4'])
      assert.deepEqual(await find(db, ['lunch', 'photo'], { mode: 'any' }), ['g_search#3', 'g_search#7'])
      assert.deepEqual(await find(db, ['quick', 'brown'], { mode: 'phrase' }), ['g_search#2', 'g_search#4'])
      assert.deepEqual(await find(db, ['fox'], { sender: 'ben' }), ['g_search#6'])
      assert.deepEqual(await find(db, ['fox'], { kinds: ['image'] }), ['g_search#7'])
      assert.deepEqual(await find(db, ['fox'], { convs: ['g_other'] }), [])
      const pages: string[] = []
      let after: SearchRequest['after']
      for (;;) {
        const page = await searchMessages(db, ALL, { terms: [['fox'], ['brown']], mode: 'any', limit: 2, after })
        pages.push(...page.hits.map((x) => `${x.seq}`))
        const last = page.hits.at(-1)
        if (!page.more || !last) break
        after = { at: last.at_ms, conv: last.conv, seq: last.seq }
      }
      assert.deepEqual(pages, ['7', '6', '4', '3', '2'], 'newest first, each hit once')
    })

    test('edits and recalls are reflected; a burn (and an erasing recall) erases every version from every table', async () => {
      await run({ type: 'conversation.create-direct', id: 'dm', conv: 'd~ann~ben', actor: 'ann', data: { peer: 'ben' } })
      await run({ type: 'burn.configure', id: 'burn-on', conv: 'd~ann~ben', actor: 'ann', data: { enabled: true, seconds: 5 } })
      const sent = await run(text('b1', 'd~ann~ben', 'ann', 'zanzibar treasure map'))
      assert.ok(sent.ok)
      const db = await freshDb()
      const sink = await runSink(db)
      // Edited after the original was stored: a revision of a stored row.
      const edited = await run({
        type: 'message.edit',
        id: 'e1',
        conv: 'd~ann~ben',
        actor: 'ann',
        data: { target: sent.seq, content: { type: 'text', text: 'kilimanjaro hike' } },
      })
      assert.ok(edited.ok, JSON.stringify(edited))
      await sinkCaughtUp(sink)
      assert.deepEqual(await find(db, ['zanzibar']), [], 'the old words no longer find it')
      assert.deepEqual(await find(db, ['kilimanjaro']), [`d~ann~ben#${sent.seq}`])
      const burned = await run({ type: 'message.burn', id: 'burn-b1', conv: 'd~ann~ben', actor: SYSTEM_ACTOR, data: { target: sent.seq, edits: [edited.seq] } })
      assert.ok(burned.ok, JSON.stringify(burned))
      await sinkCaughtUp(sink)
      for (const word of ['zanzibar', 'kilimanjaro']) {
        assert.deepEqual(await find(db, [word]), [], `${word} is not found by search`)
        assert.equal(await count(db, 'messages', `positionCaseInsensitive(text, '${word}') > 0`), 0, `${word} is in no stored version`)
        assert.equal(await count(db, 'events', `positionCaseInsensitive(data, '${word}') > 0`), 0, `${word} is in no event row`)
      }
      const [row] = await db.rows<{ state: string }>(`SELECT state FROM ${db.table('messages')} FINAL WHERE conv = 'd~ann~ben' AND seq = ${sent.seq}`)
      assert.equal(row?.state, 'burned')

      // Sent and recalled with erase inside one batch, and a recall that keeps the stored text.
      await createGroup(t.handler, 'g_recall', 'ann', ['ben'])
      const gone = await run(text('r1', 'g_recall', 'ann', 'quetzalcoatl secret'))
      const kept = await run(text('r2', 'g_recall', 'ann', 'tenochtitlan notes'))
      await run({ type: 'message.recall', id: 'rc1', conv: 'g_recall', actor: 'ann', data: { target: gone.seq, erase: true } })
      await sinkCaughtUp(sink)
      await run({ type: 'message.recall', id: 'rc2', conv: 'g_recall', actor: 'ann', data: { target: kept.seq } })
      await sinkCaughtUp(sink)
      assert.deepEqual(await find(db, ['quetzalcoatl']), [])
      assert.deepEqual(await find(db, ['tenochtitlan']), [], 'a recalled message is not found')
      assert.equal(await count(db, 'messages', `positionCaseInsensitive(text, 'quetzalcoatl') > 0`), 0, 'an erasing recall leaves no text')
    })

    test('re-delivered events and a sink that dies mid-batch never make a second row', async () => {
      await createGroup(t.handler, 'g_redeliver', 'ann', ['ben'])
      for (let i = 0; i < 30; i++) await run(text(`rd${i}`, 'g_redeliver', i % 2 ? 'ann' : 'ben', `redelivery word${i}`))
      await run({ type: 'message.delete-for-me', id: 'dfm', conv: 'g_redeliver', actor: 'ben', data: { targets: [3, 4] } })
      const db = await freshDb()
      const all = await everything(t.log)

      // A sink that dies after writing hidden and messages, before events.
      await migrate(db)
      const dying = new (class extends HistoryWriter {
        protected override async insert(table: Table, rows: never[], written: never): Promise<void> {
          if (table === 'events') throw new Error('killed before the events insert')
          return super.insert(table, rows, written)
        }
      })(db)
      const batch = new HistoryBatch({ words: !db.caps.textIndex })
      for (const f of all.slice(0, Math.floor(all.length / 2))) batch.add(f)
      await assert.rejects(dying.write(batch, await dying.written()), /killed/)
      assert.ok((await count(db, 'messages')) > 0, 'messages of the dead batch were written')
      assert.equal(await count(db, 'events'), 0)

      // The next sink resumes and re-delivers that half batch; then everything is delivered once more on top.
      await runSink(db)
      const writer = new HistoryWriter(db)
      const again = new HistoryBatch({ words: !db.caps.textIndex })
      for (const f of all) again.add(f)
      await writer.write(again, await writer.written())

      assert.equal(await count(db, 'events'), all.length, 'one row per event in the log')
      assert.equal(await duplicates(db, 'events', 'conv, seq'), 0)
      assert.equal(await duplicates(db, 'messages', 'conv, seq, pos'), 0)
      assert.equal(await duplicates(db, 'hidden', 'user, conv, seq'), 0)
      const messagesInLog = all.filter((f) => f.event.type === 'message.sent').length
      const [final] = await db.rows<{ n: number }>(`SELECT count() AS n FROM ${db.table('messages')} FINAL`)
      assert.equal(Number(final?.n), messagesInLog)
      // Deleted for ben only.
      const ben: SearchScope = { user: 'ben', members: ['g_redeliver'], former: [] }
      const ann: SearchScope = { user: 'ann', members: ['g_redeliver'], former: [] }
      assert.equal((await find(db, ['redelivery'], { convs: ['g_redeliver'] }, ben)).length, 28)
      assert.equal((await find(db, ['redelivery'], { convs: ['g_redeliver'] }, ann)).length, 30)
    })

    test('scopes: members see everything, former members up to their leave seq', async () => {
      await createGroup(t.handler, 'g_scope', 'ann', ['ben'])
      await run(text('sc1', 'g_scope', 'ann', 'platypus before'))
      const left = await run({ type: 'group.leave', id: 'ben-leaves', conv: 'g_scope', actor: 'ben', data: {} })
      await run(text('sc2', 'g_scope', 'ann', 'platypus after'))
      const db = await freshDb()
      await runSink(db)
      assert.deepEqual(await find(db, ['platypus'], {}, { user: 'ann', members: ['g_scope'], former: [] }), ['g_scope#2', 'g_scope#4'])
      assert.deepEqual(await find(db, ['platypus'], {}, { user: 'ben', members: [], former: [{ conv: 'g_scope', left: left.seq }] }), ['g_scope#2'])
      assert.deepEqual(await find(db, ['platypus'], {}, { user: 'cy', members: [], former: [] }), [])
      assert.deepEqual(
        await find(db, ['platypus'], { convs: ['g_scope'] }, { user: 'cy', members: ['g_elsewhere'], former: [] }),
        [],
        'asking for a conversation does not widen the scope',
      )
    })

    test('hostile search text is only ever a value', async () => {
      await createGroup(t.handler, 'g_inject', 'ann', ['ben'])
      const nasty = [`'); DROP TABLE messages; --`, `\\' OR 1=1 --`, '{p0:String}', '%_*', 'naïve café ünïcode', "x' UNION SELECT 1 --"]
      for (const [i, body] of nasty.entries()) await run(text(`inj${i}`, 'g_inject', 'ann', `marker${i} ${body}`))
      const db = await freshDb()
      await runSink(db)
      for (const body of nasty) {
        const hits = await searchMessages(db, ALL, { terms: [[body.toLowerCase()]], mode: 'all', limit: 10 })
        assert.deepEqual(hits.hits, [], `a whole hostile string is one unknown word: ${body}`)
        const phrase = await searchMessages(db, ALL, { terms: [[body]], mode: 'phrase', limit: 10, sender: body, convs: [body] })
        assert.deepEqual(phrase.hits, [])
      }
      assert.deepEqual(await find(db, ['café', 'naïve']), ['g_inject#6'])
      assert.deepEqual(await find(db, ['drop', 'table']), ['g_inject#2'])
      assert.equal(await count(db, 'messages', `conv = 'g_inject'`), nasty.length, 'every table is still there with its rows')
    })
  })
}
