import type { HistoryDb } from './history-db.js'

export interface AnalystLimits {
  timeoutSeconds: number
  maxRows: number
}

/** Raw SQL needs a server: chDB applies settings to its one shared session, so readonly could not be confined to the analyst's query. */
export class AnalystSqlUnavailable extends Error {
  override readonly name = 'AnalystSqlUnavailable'
}

/**
 * Runs an analyst's SELECT with the server enforcing the limits: `readonly=1`
 * refuses writes, DDL and any change of settings (so the limits cannot be
 * lifted from inside the query), the time and row caps end runaway queries.
 */
export async function analystQuery(db: HistoryDb, query: string, limits: AnalystLimits): Promise<Array<Record<string, unknown>>> {
  if (db.backend !== 'server')
    throw new AnalystSqlUnavailable('raw SQL needs a ClickHouse server (SEQLINE_CLICKHOUSE_URL); the embedded chDB shares one session with the history sink')
  return db.rows<Record<string, unknown>>(query, db.sql(), {
    max_execution_time: limits.timeoutSeconds,
    max_result_rows: String(limits.maxRows),
    result_overflow_mode: 'throw',
    readonly: '1',
  })
}
