// The history benchmark: ingest of synthetic messages through the sink's
// writer and search latency, on embedded chDB and on a ClickHouse server in
// one run. Ceilings of the same run: a bare INSERT of the same rows into a
// table without index (ingest), and a brute-force scan for the rare word
// (search).

import type { HistoryDb } from '../../../projections/history/index.js'
import { HistoryBatch, HistoryWriter, migrate, type SearchRequest, type SearchScope, searchMessages, searchTerms } from '../../../projections/history/index.js'
import { fmt, percentiles } from '../shared/stats.js'
import { cjkWordOf, convOf, RARE_CJK_WORD, RARE_WORD, type SyntheticOptions, syntheticBatches, wordOf } from './data.js'

export interface HistoryBenchOptions {
  messages: number
  conversations: number
  /** The history may already hold this run's messages (a kept data dir): then only search is measured. */
  reuse?: boolean
}

interface SearchFigure {
  name: string
  p50: number
  p99: number
  hits: number
}

export interface HistoryBenchResult {
  backend: string
  version: string
  strategy: string
  messages: number
  /** NaN when the messages were already there (a reused data dir). */
  ingestSeconds: number
  ingestPerSecond: number
  rawInsertPerSecond: number
  searches: SearchFigure[]
  scanMs: number
  cjkScanMs: number
  diskBytes: number
}

const BATCH = 50_000
const RUNS = 20

export async function historyBench(db: HistoryDb, label: string, opts: HistoryBenchOptions): Promise<HistoryBenchResult> {
  const migrating = performance.now()
  const applied = await migrate(db)
  if (applied.length > 0) console.log(`  ${label}: schema migrations ${applied.join(', ')} applied in ${fmt((performance.now() - migrating) / 1000, 1)} s`)
  const data = syntheticOptions(opts)
  const ingest = opts.reuse && (await storedMessages(db)) >= opts.messages ? { seconds: NaN, rawRate: NaN } : await ingestAll(db, label, data)
  const searches = await searchFigures(db, opts)
  return {
    backend: label,
    version: db.caps.version,
    strategy: db.caps.textIndex ? 'text index' : 'word scan',
    messages: opts.messages,
    ingestSeconds: ingest.seconds,
    ingestPerSecond: opts.messages / ingest.seconds,
    rawInsertPerSecond: ingest.rawRate,
    searches,
    scanMs: await timed(() => db.rows(`SELECT count() AS n FROM ${db.table('messages')} WHERE position(text, '${RARE_WORD}') > 0`)),
    cjkScanMs: await timed(() => db.rows(`SELECT count() AS n FROM ${db.table('messages')} WHERE position(text, '${RARE_CJK_WORD}') > 0`)),
    diskBytes: await diskBytes(db),
  }
}

function syntheticOptions(opts: HistoryBenchOptions): SyntheticOptions {
  return {
    messages: opts.messages,
    conversations: opts.conversations,
    users: 50_000,
    partitions: 8,
    rare: 100,
    startAt: Date.UTC(2026, 0, 1),
    cjkEvery: 2,
  }
}

async function storedMessages(db: HistoryDb): Promise<number> {
  const rows = await db.rows<{ n: number }>(`SELECT count() AS n FROM ${db.table('messages')}`)
  return Number(rows[0]?.n ?? 0)
}

async function ingestAll(db: HistoryDb, label: string, data: SyntheticOptions): Promise<{ seconds: number; rawRate: number }> {
  const rawRate = await rawInsertRate(db, data)
  const writer = new HistoryWriter(db)
  const written = await writer.written()
  const start = performance.now()
  let done = 0
  for (const events of syntheticBatches(data, BATCH)) {
    const batch = new HistoryBatch({ words: !db.caps.textIndex })
    for (const f of events) batch.add(f)
    await writer.write(batch, written)
    done += events.length
    if (done % 1_000_000 < BATCH) process.stdout.write(`\r  ${label}: ${done.toLocaleString('en')} messages written   `)
  }
  process.stdout.write('\n')
  return { seconds: (performance.now() - start) / 1000, rawRate }
}

/** Rows per second of a bare INSERT of the same message rows into a table with no index, no words and no second table. */
async function rawInsertRate(db: HistoryDb, data: SyntheticOptions): Promise<number> {
  const table = db.table('bench_raw')
  await db.command(
    `CREATE TABLE IF NOT EXISTS ${table} (part UInt16, pos UInt64, conv String, seq UInt64, at_ms UInt64, sender String, kind String, state String, text String) ENGINE = MergeTree ORDER BY (conv, seq)`,
  )
  const sample = { ...data, messages: Math.min(data.messages, 1_000_000) }
  let rows = 0
  const start = performance.now()
  for (const events of syntheticBatches(sample, BATCH)) {
    const batch = new HistoryBatch()
    for (const f of events) batch.add(f)
    await db.client.insert({ table, values: batch.messageRows(new Map()), format: 'JSONEachRow' })
    rows += events.length
  }
  const rate = rows / ((performance.now() - start) / 1000)
  await db.command(`DROP TABLE ${table}`)
  return rate
}

async function searchFigures(db: HistoryDb, opts: HistoryBenchOptions): Promise<SearchFigure[]> {
  const all: SearchScope = { all: true }
  const common = wordOf(1)
  const someConvs = Array.from({ length: 1000 }, (_, i) => convOf((i * 97) % opts.conversations))
  const user: SearchScope = { user: 'u1', members: someConvs, former: [] }
  const cases: Array<[string, SearchScope, Partial<SearchRequest>]> = [
    [`rare word "${RARE_WORD}" (100 messages), top 20`, all, { terms: [[RARE_WORD]] }],
    [`common word "${common}", top 20 newest`, all, { terms: [[common]] }],
    [`common word in one conversation, top 20`, all, { terms: [[common]], convs: [convOf(7)] }],
    [`two words (all), top 20`, all, { terms: [[common], [wordOf(2)]] }],
    [`common word in a user's 1,000 conversations, top 20`, user, { terms: [[common]] }],
    [`rare Chinese word "${RARE_CJK_WORD}" (100 messages), top 20`, all, { terms: searchTerms(RARE_CJK_WORD) }],
    [`rare Chinese word "${RARE_CJK_WORD}", phrase mode, top 20`, all, { terms: searchTerms(RARE_CJK_WORD), mode: 'phrase' }],
    [`common Chinese word "${cjkWordOf(1)}", top 20 newest`, all, { terms: searchTerms(cjkWordOf(1)) }],
  ]
  const figures: SearchFigure[] = []
  for (const [name, scope, req] of cases) {
    const samples: number[] = []
    let hits = 0
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now()
      const page = await searchMessages(db, scope, { terms: [], mode: 'all', limit: 20, ...req })
      samples.push(performance.now() - t)
      hits = page.hits.length
    }
    const p = percentiles(samples)
    figures.push({ name, p50: p.p50, p99: p.p99, hits })
  }
  return figures
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await task()
  return performance.now() - t
}

async function diskBytes(db: HistoryDb): Promise<number> {
  const sql = db.sql()
  const rows = await db
    .rows<{ bytes: number }>(`SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = ${sql.value(db.database, 'String')}`, sql)
    .catch(() => [{ bytes: NaN }])
  return Number(rows[0]?.bytes)
}

export function printHistory(results: HistoryBenchResult[]): void {
  console.log('\nHistory (ClickHouse): ingest through the sink writer, search latency')
  for (const r of results) {
    console.log(
      `  ${r.backend} — ClickHouse ${r.version}, ${r.strategy}, ${r.messages.toLocaleString('en')} messages, ${fmt(r.diskBytes / 2 ** 20, 0)} MiB on disk`,
    )
    if (Number.isNaN(r.ingestSeconds)) console.log('    ingest  not measured: the messages were already in the kept data dir')
    else
      console.log(
        `    ingest  ${fmt(r.ingestPerSecond, 0)} msgs/s (${fmt(r.ingestSeconds, 1)} s) vs bare INSERT ceiling ${fmt(r.rawInsertPerSecond, 0)} rows/s = ${fmt(r.ingestPerSecond / r.rawInsertPerSecond)}`,
      )
    for (const s of r.searches) console.log(`    search  ${s.name}: p50 ${fmt(s.p50, 1)} ms, p99 ${fmt(s.p99, 1)} ms (${s.hits} hits)`)
    console.log(`    ceiling brute-force scan of every message for the rare word: ${fmt(r.scanMs, 0)} ms, for the rare Chinese word: ${fmt(r.cjkScanMs, 0)} ms`)
  }
}
