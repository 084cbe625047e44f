import type { Period } from '../../schemas/index.js'
import type { HistoryDb } from './history-db.js'
import { literal, type Sql } from './sql.js'

// Aggregates over `events`, which holds each event once, so no FINAL is needed. Every
// function here runs on ClickHouse 18.16 as on 26.x: no window functions, and the time zone
// is a constant argument of toDateTime (a bound parameter is one, on servers that bind).

export interface Range {
  from?: number
  to?: number
  conv?: string
  /** An IANA time zone, spelled as the tz database spells it; days and hours are counted in it. */
  tz?: string
}

const SYSTEM = `'@system'`

/** Messages sent per calendar day in the range's time zone. */
export async function messagesPerDay(db: HistoryDb, range: Range): Promise<Array<{ day: string; messages: number }>> {
  const sql = db.sql()
  const rows = await db.rows<{ day: string; messages: number }>(
    `SELECT toString(${localDate(sql, range)}) AS day, count() AS messages FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY day ORDER BY day`,
    sql,
  )
  return rows.map((r) => ({ day: r.day, messages: Number(r.messages) }))
}

/** Distinct senders (system messages included) per calendar day in the range's time zone. */
export async function sendersPerDay(db: HistoryDb, range: Range): Promise<Array<{ day: string; senders: number }>> {
  const sql = db.sql()
  const rows = await db.rows<{ day: string; senders: number }>(
    `SELECT toString(${localDate(sql, range)}) AS day, uniqExact(actor) AS senders FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY day ORDER BY day`,
    sql,
  )
  return rows.map((r) => ({ day: r.day, senders: Number(r.senders) }))
}

/**
 * Daily, weekly or monthly active senders: distinct users who sent a message in each
 * calendar period of the time zone (weeks start on Monday). Periods cut by the range count
 * only what is inside it.
 */
export async function activeSenders(db: HistoryDb, range: Range, period: Period): Promise<Array<{ start: string; senders: number }>> {
  const sql = db.sql()
  const date = localDate(sql, range)
  const start = period === 'day' ? date : period === 'week' ? `toMonday(${date})` : `toStartOfMonth(${date})`
  const rows = await db.rows<{ start: string; senders: number }>(
    `SELECT toString(${start}) AS start, uniqExact(actor) AS senders FROM ${db.table('events')}
     WHERE ${sentIn(sql, range)} AND actor != ${SYSTEM} GROUP BY start ORDER BY start`,
    sql,
  )
  return rows.map((r) => ({ start: r.start, senders: Number(r.senders) }))
}

const KINDS = ['direct', 'group', 'channel'] as const
type Kind = (typeof KINDS)[number]

/** Messages and active conversations per conversation kind, told by the id's prefix (schemas/ids.ts); every kind is always answered. */
export async function messagesPerKind(db: HistoryDb, range: Range): Promise<Array<{ kind: Kind; messages: number; conversations: number }>> {
  const sql = db.sql()
  const rows = await db.rows<{ kind: Kind; messages: number; conversations: number }>(
    `SELECT multiIf(startsWith(conv, 'd~'), 'direct', startsWith(conv, 'c_'), 'channel', 'group') AS kind, count() AS messages, uniqExact(conv) AS conversations
     FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY kind`,
    sql,
  )
  return KINDS.map((kind) => {
    const row = rows.find((r) => r.kind === kind)
    return { kind, messages: Number(row?.messages ?? 0), conversations: Number(row?.conversations ?? 0) }
  })
}

/**
 * Time to first reply in direct conversations: for each direct conversation whose first
 * message was sent in the range, the time from that message to the first message of the
 * other user (whenever it came). The median is exact: the mean of the two middle waits when
 * their number is even, taken as quantileExact of the waits and of their negatives, since
 * quantileExact picks one element (the upper middle) and `median` samples beyond 8192 rows.
 */
export async function firstReply(db: HistoryDb, range: Range): Promise<{ conversations: number; replied: number; medianMs: number | null }> {
  const sql = db.sql()
  const direct = `type = 'message.sent' AND startsWith(conv, 'd~') AND actor != ${SYSTEM}${range.conv ? ` AND conv = ${sql.value(range.conv, 'String')}` : ''}`
  const events = db.table('events')
  // The opener is found over the whole history: a conversation's first message may precede the range.
  const openers = `SELECT conv, argMin(actor, seq) AS opener, argMin(at_ms, seq) AS opened_at FROM ${events} WHERE ${direct}
     GROUP BY conv HAVING ${['1', ...within(sql, range, 'opened_at')].join(' AND ')}`
  // Clocks of two writers may disagree by a moment: a reply is never counted as earlier than what it answers.
  const waits = `SELECT conv, countIf(actor != opener) > 0 AS answered,
       greatest(toInt64(argMinIf(at_ms, seq, actor != opener)) - toInt64(any(opened_at)), toInt64(0)) AS wait
     FROM (SELECT conv, seq, at_ms, actor FROM ${events} WHERE ${direct}) AS sent ALL INNER JOIN (${openers}) AS firsts USING conv
     GROUP BY conv`
  const [row] = await db.rows<{ conversations: number; replied: number; upper: number; lower: number }>(
    `SELECT count() AS conversations, countIf(answered) AS replied,
       quantileExactIf(0.5)(wait, answered) AS upper, -quantileExactIf(0.5)(-wait, answered) AS lower
     FROM (${waits})`,
    sql,
  )
  const replied = Number(row?.replied ?? 0)
  return {
    conversations: Number(row?.conversations ?? 0),
    replied,
    medianMs: replied === 0 ? null : (Number(row!.upper) + Number(row!.lower)) / 2,
  }
}

/** Messages per hour of the day in the range's time zone: all 24 hours, busiest first. */
export async function busiestHours(db: HistoryDb, range: Range): Promise<Array<{ hour: number; messages: number }>> {
  const sql = db.sql()
  const rows = await db.rows<{ hour: number; messages: number }>(
    `SELECT toHour(${localTime(sql, range)}) AS hour, count() AS messages FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY hour`,
    sql,
  )
  const counts = new Map(rows.map((r) => [Number(r.hour), Number(r.messages)]))
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, messages: counts.get(hour) ?? 0 }))
  return hours.sort((a, b) => b.messages - a.messages || a.hour - b.hour)
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

/** The time of an event (whole seconds) as a DateTime in the range's zone. */
function localTime(sql: Sql, range: Range): string {
  return `toDateTime(intDiv(at_ms, 1000), ${sql.value(range.tz ?? 'UTC', 'String')})`
}

/** The calendar date of an event in the range's zone. */
function localDate(sql: Sql, range: Range): string {
  return `toDate(${localTime(sql, range)})`
}

function sentIn(sql: Sql, range: Range): string {
  const clauses = [`type = 'message.sent'`]
  if (range.conv) clauses.push(`conv = ${sql.value(range.conv, 'String')}`)
  return [...clauses, ...within(sql, range, 'at_ms')].join(' AND ')
}

/** The conditions that hold `column` (epoch ms) in [from, to). */
function within(sql: Sql, range: Range, column: string): string[] {
  const clauses: string[] = []
  if (range.from !== undefined) clauses.push(`${column} >= ${sql.value(range.from, 'UInt64')}`)
  if (range.to !== undefined) clauses.push(`${column} < ${sql.value(range.to, 'UInt64')}`)
  return clauses
}
