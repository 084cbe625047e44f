/**
 * Full-text search of the history, newest first, one page. Uses the text index
 * where the server has one and a scan of the word column otherwise; in both
 * cases only the newest version of each message (FINAL) is matched, so an
 * edited message is found by its new words only and a recalled or burned one
 * not at all.
 */
export async function searchMessages(db, scope, req) {
    const scoped = narrow(scope, req.convs);
    if (!scoped.all && scoped.members.length === 0 && scoped.former.length === 0)
        return { hits: [], more: false };
    const sql = db.sql();
    const where = [
        `state IN ('live', 'edited')`,
        wordsClause(db, sql, req.words, req.mode),
        ...scopeClauses(db, sql, scoped),
        ...filterClauses(sql, req),
    ];
    const rows = await db.rows(`SELECT conv, seq, at_ms, sender, kind, state, text FROM ${db.table('messages')} FINAL
     WHERE ${where.join(' AND ')}
     ORDER BY at_ms DESC, conv DESC, seq DESC
     LIMIT ${req.limit + 1}`, sql, db.caps.searchSettings);
    return { hits: rows.slice(0, req.limit), more: rows.length > req.limit };
}
/** A user's scope cut down to the conversations asked for; asking never widens it. */
function narrow(scope, convs) {
    if (!convs)
        return scope;
    if (scope.all)
        return scope;
    const wanted = new Set(convs);
    return { ...scope, members: scope.members.filter((c) => wanted.has(c)), former: scope.former.filter((f) => wanted.has(f.conv)) };
}
function wordsClause(db, sql, words, mode) {
    const list = sql.value(words, 'Array(String)');
    if (db.caps.textIndex) {
        const tokens = mode === 'any' ? `hasAnyTokens(text, ${list})` : `hasAllTokens(text, ${list})`;
        if (mode !== 'phrase')
            return tokens;
        return `${tokens} AND position(concat(' ', arrayStringConcat(splitByNonAlpha(lowerUTF8(text)), ' '), ' '), ${sql.value(` ${words.join(' ')} `, 'String')}) > 0`;
    }
    const tokens = mode === 'any' ? `hasAny(words, ${list})` : `hasAll(words, ${list})`;
    if (mode !== 'phrase')
        return tokens;
    return `${tokens} AND position(concat(' ', arrayStringConcat(words, ' '), ' '), ${sql.value(` ${words.join(' ')} `, 'String')}) > 0`;
}
function scopeClauses(db, sql, scope) {
    if (scope.all)
        return [];
    const allowed = [];
    if (scope.members.length > 0)
        allowed.push(`conv IN ${sql.list(scope.members)}`);
    for (const f of scope.former)
        allowed.push(`(conv = ${sql.value(f.conv, 'String')} AND seq <= ${sql.value(f.left, 'UInt64')})`);
    const hidden = `(conv, seq) NOT IN (SELECT conv, seq FROM ${db.table('hidden')} WHERE user = ${sql.value(scope.user, 'String')})`;
    return [`(${allowed.join(' OR ')})`, hidden];
}
function filterClauses(sql, req) {
    const clauses = [];
    if (req.convs)
        clauses.push(`conv IN ${sql.list(req.convs)}`);
    if (req.sender)
        clauses.push(`sender = ${sql.value(req.sender, 'String')}`);
    if (req.kinds)
        clauses.push(`kind IN ${sql.list(req.kinds)}`);
    if (req.from !== undefined)
        clauses.push(`at_ms >= ${sql.value(req.from, 'UInt64')}`);
    if (req.to !== undefined)
        clauses.push(`at_ms < ${sql.value(req.to, 'UInt64')}`);
    if (req.after) {
        const at = sql.value(req.after.at, 'UInt64');
        const conv = sql.value(req.after.conv, 'String');
        const seq = sql.value(req.after.seq, 'UInt64');
        clauses.push(`(at_ms < ${at} OR (at_ms = ${at} AND (conv < ${conv} OR (conv = ${conv} AND seq < ${seq}))))`);
    }
    return clauses;
}
//# sourceMappingURL=search.js.map