/**
 * The history tables, in the dialect of the server at hand.
 *
 * messages: one row per version of a message (sent, edited, recalled, burned),
 * the newest (highest log position) winning under FINAL. Ordered by (conv,
 * seq) so a conversation's history is one range. A burn rewrites every
 * version's text to '' in place (a mutation), and parts replaced by a mutation
 * are dropped after 30 s instead of ClickHouse's 8 minutes.
 *
 * events: every event of the log, without message content (that lives only in
 * messages, so erasing it there erases it from the history).
 *
 * hidden: messages a user deleted for themselves; their searches skip them.
 */
export function createTables(table, caps) {
    const at = caps.dateTime64
        ? `at DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(at_ms), 'UTC')`
        : `at DateTime MATERIALIZED toDateTime(intDiv(at_ms, 1000))`;
    const low = caps.lowCardinality ? 'LowCardinality(String)' : 'String';
    const search = caps.textIndex
        ? 'INDEX text_words text TYPE text(tokenizer = splitByNonAlpha, preprocessor = lowerUTF8(text))'
        : 'words Array(String)';
    return [
        `CREATE TABLE IF NOT EXISTS ${table('messages')} (
      part UInt16, pos UInt64, conv String, seq UInt64, at_ms UInt64, sender String,
      kind ${low}, state ${low}, text String, ${at}, ${search}
    ) ENGINE = ReplacingMergeTree(pos) ORDER BY (conv, seq) SETTINGS old_parts_lifetime = 30`,
        `CREATE TABLE IF NOT EXISTS ${table('events')} (
      part UInt16, pos UInt64, conv String, seq UInt64, at_ms UInt64, type ${low}, actor String, cmd String, data String, ${at}
    ) ENGINE = MergeTree ORDER BY (conv, seq)`,
        `CREATE TABLE IF NOT EXISTS ${table('hidden')} (
      part UInt16, pos UInt64, user String, conv String, seq UInt64
    ) ENGINE = MergeTree ORDER BY (user, conv, seq)`,
    ];
}
/** Settings a CREATE of the text index needs on servers where it is still behind a flag. */
export function ddlSettings(caps) {
    if (!caps.textIndex)
        return {};
    return Object.fromEntries(caps.textIndexFlags.map((s) => [s, 1]));
}
//# sourceMappingURL=schema.js.map