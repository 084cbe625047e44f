import { literal } from './sql.js';
const day = `toString(toDate(toDateTime(intDiv(at_ms, 1000), 'UTC')))`;
/** Messages sent per UTC day. Counted from `events`, which holds each event once, so no FINAL is needed. */
export async function messagesPerDay(db, range) {
    const sql = db.sql();
    const rows = await db.rows(`SELECT ${day} AS day, count() AS messages FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY day ORDER BY day`, sql);
    return rows.map((r) => ({ day: r.day, messages: Number(r.messages) }));
}
export async function sendersPerDay(db, range) {
    const sql = db.sql();
    const rows = await db.rows(`SELECT ${day} AS day, uniqExact(actor) AS senders FROM ${db.table('events')} WHERE ${sentIn(sql, range)} GROUP BY day ORDER BY day`, sql);
    return rows.map((r) => ({ day: r.day, senders: Number(r.senders) }));
}
export async function busiestConversations(db, range, limit) {
    const sql = db.sql();
    const rows = await db.rows(`SELECT conv, count() AS messages, uniqExact(actor) AS senders FROM ${db.table('events')} WHERE ${sentIn(sql, range)}
     GROUP BY conv ORDER BY messages DESC, conv LIMIT ${literal(limit, 'UInt64')}`, sql);
    return rows.map((r) => ({ conv: r.conv, messages: Number(r.messages), senders: Number(r.senders) }));
}
function sentIn(sql, range) {
    const clauses = [`type = 'message.sent'`];
    if (range.conv)
        clauses.push(`conv = ${sql.value(range.conv, 'String')}`);
    if (range.from !== undefined)
        clauses.push(`at_ms >= ${sql.value(range.from, 'UInt64')}`);
    if (range.to !== undefined)
        clauses.push(`at_ms < ${sql.value(range.to, 'UInt64')}`);
    return clauses.join(' AND ');
}
//# sourceMappingURL=analytics.js.map