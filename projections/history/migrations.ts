import type { Capabilities } from './capabilities.js'
import { finerGranules } from './granules.js'
import type { HistoryDb } from './history-db.js'
import { cjkTokens, createTables, ddlSettings, promptPartRemoval } from './schema.js'

export interface Migration {
  version: number
  name: string
  statements(table: (name: string) => string, caps: Capabilities): string[]
  /** Work that depends on what the database holds, run after the statements. */
  run?(db: HistoryDb): Promise<void>
}

/**
 * Every change of the history schema, in order; never edit one that shipped,
 * add the next. Each statement is idempotent (IF NOT EXISTS and the like), so a
 * start that dies between a statement and its record simply runs it again.
 */
export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'messages, events and hidden tables', statements: createTables },
  { version: 2, name: 'parts replaced by a burn are removed within seconds', statements: promptPartRemoval },
  { version: 3, name: 'CJK tokens: asciiCJK text index, or the word column retokenized', statements: cjkTokens },
  { version: 4, name: 'messages in granules of 1,024 rows (embedded chDB)', statements: () => [], run: finerGranules },
]

const LEDGER = 'schema_migrations'

/** Applies the migrations the database has not seen; returns the versions applied now. */
export async function migrate(db: HistoryDb, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await db.command(`CREATE TABLE IF NOT EXISTS ${db.table(LEDGER)} (version UInt32, name String, applied_ms UInt64) ENGINE = MergeTree ORDER BY version`)
  const done = new Set((await db.rows<{ version: number }>(`SELECT version FROM ${db.table(LEDGER)}`)).map((r) => r.version))
  const applied: number[] = []
  for (const m of migrations) {
    if (done.has(m.version)) continue
    for (const statement of m.statements((name) => db.table(name), db.caps)) await db.command(statement, db.sql(), ddlSettings(db.caps))
    await m.run?.(db)
    await db.insert(LEDGER, [{ version: m.version, name: m.name, applied_ms: Date.now() }])
    applied.push(m.version)
  }
  return applied
}

/** The schema version the database stands at (0 before the first migration). */
export async function schemaVersion(db: HistoryDb): Promise<number> {
  const rows = await db.rows<{ v: number }>(`SELECT max(version) AS v FROM ${db.table(LEDGER)}`)
  return rows[0]?.v ?? 0
}
