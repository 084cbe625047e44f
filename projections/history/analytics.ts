import type { HistoryDb } from './history-db.js'
import { literal, type Sql } from './sql.js'

export interface Range {
  from?: number
  to?: number
  conv?: string
}

const day = `toString(toDate(toDateTime(intDiv(at_ms, 1000), 'UTC')))`

/** Messages sent per UTC day. Counted from `events`, which holds each event once, so no FINAL is needed. */
export async function messagesPerDay(db: HistoryDb, range: Range): Promise<Array<{ day: string; messages: number }>> {
  const sql = db.sql()
  const rows = await db.rows<{ day: string; messages: string | number }>(
    `SELECT ${day} AS day, count() AS messages FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY day ORDER BY day`,
    sql,
  )
  return rows.map((r) => ({ day: r.day, messages: Number(r.messages) }))
}

export async function sendersPerDay(db: HistoryDb, range: Range): Promise<Array<{ day: string; senders: number }>> {
  const sql = db.sql()
  const rows = await db.rows<{ day: string; senders: string | number }>(
    `SELECT ${day} AS day, uniqExact(actor) AS senders FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY day ORDER BY day`,
    sql,
  )
  return rows.map((r) => ({ day: r.day, senders: Number(r.senders) }))
}

export async function busiestConversations(db: HistoryDb, range: Range, limit: number): Promise<Array<{ conv: string; messages: number; senders: number }>> {
  const sql = db.sql()
  const rows = await db.rows<{ conv: string; messages: string | number; senders: string | number }>(
    `SELECT conv, count() AS messages, uniqExact(actor) AS senders FROM ${db.table('events')} WHERE ${sentIn(sql, range)}
     GROUP BY conv ORDER BY messages DESC, conv LIMIT ${literal(limit, 'UInt64')}`,
    sql,
  )
  return rows.map((r) => ({ conv: r.conv, messages: Number(r.messages), senders: Number(r.senders) }))
}

function sentIn(sql: Sql, range: Range): string {
  const clauses = [`type = 'message.sent'`]
  if (range.conv) clauses.push(`conv = ${sql.value(range.conv, 'String')}`)
  if (range.from !== undefined) clauses.push(`at_ms >= ${sql.value(range.from, 'UInt64')}`)
  if (range.to !== undefined) clauses.push(`at_ms < ${sql.value(range.to, 'UInt64')}`)
  return clauses.join(' AND ')
}
