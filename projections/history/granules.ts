import type { HistoryDb } from './history-db.js'

/**
 * Rows per granule of the messages table on embedded chDB. A search reads
 * whole granules: the key columns of every granule the text index names, the
 * text of each granule holding a row of the page, and, to check that a hit is
 * its message's newest version, the keys of each granule holding one of its
 * messages. ClickHouse's default of 8,192 rows made a rare word read about a
 * million rows for 100 hits; 1,024 reads an eighth of that. The primary index
 * grows to one mark per 1,024 rows (10,000 marks for 10 million messages).
 */
const MESSAGE_GRANULE_ROWS = 1024

/**
 * Rebuilds the messages table with MESSAGE_GRANULE_ROWS-row granules (a
 * table's granule size is fixed when it is created): a new table, a copy of
 * every row, then the two swapped in one EXCHANGE and the old one dropped at
 * once (SYNC, so no part of it, burned texts' old versions included, waits on
 * disk). Searches read the old table until the swap, and the new one after.
 *
 * Only on embedded chDB, where the process that migrates is the only one that
 * holds the history, and migrates before its sink writes: nothing is written
 * or erased during the copy. On a server several Seqline processes migrate and
 * one of them may be writing, so a server keeps its granules (see
 * docs/history.md). Safe to repeat: a table already rebuilt is left alone and
 * a copy cut short is dropped and made again.
 */
export async function finerGranules(db: HistoryDb): Promise<void> {
  if (db.backend !== 'chdb' || !db.caps.textIndex) return
  const messages = db.table('messages')
  const copy = db.table('messages_rebuild')
  await db.command(`DROP TABLE IF EXISTS ${copy} SYNC`)
  if ((await granuleRows(db)) === MESSAGE_GRANULE_ROWS) return
  await db.command(`CREATE TABLE ${copy} AS ${messages} SETTINGS index_granularity = ${MESSAGE_GRANULE_ROWS}`)
  const columns = 'part, pos, conv, seq, at_ms, sender, kind, state, text'
  await db.command(`INSERT INTO ${copy} (${columns}) SELECT ${columns} FROM ${messages}`)
  await db.command(`EXCHANGE TABLES ${messages} AND ${copy}`)
  await db.command(`DROP TABLE ${copy} SYNC`)
}

/** The messages table's rows per granule, as its CREATE statement says. */
async function granuleRows(db: HistoryDb): Promise<number> {
  const sql = db.sql()
  const [row] = await db.rows<{ ddl: string }>(
    `SELECT create_table_query AS ddl FROM system.tables WHERE database = ${sql.value(db.database, 'String')} AND name = 'messages'`,
    sql,
  )
  return Number(/\bindex_granularity = (\d+)/.exec(row?.ddl ?? '')?.[1] ?? 8192)
}
