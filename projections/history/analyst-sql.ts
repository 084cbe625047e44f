import { type AnalystLimits, ChdbAnalyst, memoryCapBytes } from './chdb-analyst.js'
import type { HistoryDb } from './history-db.js'

export type { AnalystLimits } from './chdb-analyst.js'

// One read-only analyst session per embedded history, opened on first use and closed with it.
const chdbAnalysts = new WeakMap<HistoryDb, Promise<ChdbAnalyst>>()

/**
 * Runs an analyst's SELECT under the engine's own limits: `readonly=1`
 * refuses writes, DDL and any change of settings (so the limits cannot be
 * lifted from inside the query), the time and row caps end runaway queries.
 * On a server the settings travel with the query; on chDB they are locked
 * into a session of the analyst's own (see ChdbAnalyst).
 */
export async function analystQuery(db: HistoryDb, query: string, limits: AnalystLimits): Promise<Array<Record<string, unknown>>> {
  if (db.backend === 'chdb') return (await chdbAnalyst(db, limits)).query(query)
  return db.rows<Record<string, unknown>>(query, db.sql(), {
    max_execution_time: limits.timeoutSeconds,
    max_result_rows: String(limits.maxRows),
    result_overflow_mode: 'throw',
    max_memory_usage: String(memoryCapBytes(limits)),
    readonly: '1',
  })
}

function chdbAnalyst(db: HistoryDb, limits: AnalystLimits): Promise<ChdbAnalyst> {
  const known = chdbAnalysts.get(db)
  if (known) return known
  const opening = db.dataDir().then((dir) => ChdbAnalyst.open(dir, db.database, limits))
  chdbAnalysts.set(db, opening)
  opening.catch(() => chdbAnalysts.delete(db))
  db.onClose(async () => (await opening.catch(() => undefined))?.close())
  return opening
}
