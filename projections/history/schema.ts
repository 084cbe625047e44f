import type { Capabilities } from './capabilities.js'
import { quote } from './sql.js'
import { TOKEN_REGEXP_SQL } from './words.js'

/**
 * The history tables, in the dialect of the server at hand.
 *
 * messages: one row per version of a message (sent, edited, recalled, burned),
 * the newest (highest log position) winning under FINAL. Ordered by (conv,
 * seq) so a conversation's history is one range. A burn rewrites every
 * version's text to '' in place (a mutation); the parts the mutation replaced
 * still hold the text on disk until ClickHouse removes them (see
 * promptPartRemoval).
 *
 * events: every event of the log, without message content (that lives only in
 * messages, so erasing it there erases it from the history).
 *
 * hidden: messages a user deleted for themselves; their searches skip them.
 */
export function createTables(table: (name: string) => string, caps: Capabilities): string[] {
  const at = caps.dateTime64
    ? `at DateTime64(3, 'UTC') MATERIALIZED fromUnixTimestamp64Milli(toInt64(at_ms), 'UTC')`
    : `at DateTime MATERIALIZED toDateTime(intDiv(at_ms, 1000))`
  const low = caps.lowCardinality ? 'LowCardinality(String)' : 'String'
  const search = caps.textIndex ? 'INDEX text_words text TYPE text(tokenizer = splitByNonAlpha, preprocessor = lowerUTF8(text))' : 'words Array(String)'
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
  ]
}

/**
 * Moves search to the tokens of words.ts (each CJK character a token). With a
 * text index the splitByNonAlpha index is swapped for an asciiCJK one in one
 * ALTER (a column holds one text index), then built for the existing parts in
 * the background: until a part has it, hasAllTokens reads that part's text with
 * the new tokenizer, so search stays right throughout, only slower. Without
 * one the word column is rewritten by a mutation; until it reaches a part,
 * that part's Latin words are found as before and its CJK runs are not.
 */
export function cjkTokens(table: (name: string) => string, caps: Capabilities): string[] {
  const messages = table('messages')
  if (caps.textIndex) {
    return [
      `ALTER TABLE ${messages} DROP INDEX IF EXISTS text_words, ADD INDEX IF NOT EXISTS text_cjk text TYPE text(tokenizer = asciiCJK, preprocessor = lowerUTF8(text))`,
      `ALTER TABLE ${messages} MATERIALIZE INDEX text_cjk`,
    ]
  }
  // A server with a text index but no asciiCJK tokenizer (before 26.4) built the table with the
  // index and no word column; it moves to the word column. Older servers (18.16) have the column.
  const fromIndex =
    caps.textIndexFlags.length > 0
      ? [`ALTER TABLE ${messages} DROP INDEX IF EXISTS text_words`, `ALTER TABLE ${messages} ADD COLUMN IF NOT EXISTS words Array(String)`]
      : []
  return [...fromIndex, `ALTER TABLE ${messages} UPDATE words = extractAll(lowerUTF8(text), ${quote(TOKEN_REGEXP_SQL)}) WHERE 1`]
}

/** Settings a CREATE of the text index needs on servers where it is still behind a flag. */
export function ddlSettings(caps: Capabilities): Record<string, 1> {
  if (!caps.textIndex) return {}
  return Object.fromEntries(caps.textIndexFlags.map((s) => [s, 1 as const]))
}

/**
 * Outdated parts — the ones a burn's mutation (or a merge) replaced, holding
 * the burned text — are removed by a cleanup that waits old_parts_lifetime
 * after a part was replaced. On ClickHouse 23.x and newer (chDB 26.7
 * included) that cleanup is a per-table thread whose sleep adapts to how
 * much it removed: between cleanup_delay_period (30 s) and
 * max_cleanup_delay_period (300 s), so on a quiet table a burned text stayed
 * on disk for five minutes. Pinned to 5 s, a replaced part is gone within
 * about old_parts_lifetime + 5 s. On servers whose table settings are fixed
 * at CREATE (18.16), the background pool removes the parts about
 * old_parts_lifetime (30 s, set at CREATE) after the mutation.
 *
 * old_parts_lifetime guards against losing a merged part that was not yet
 * flushed when the machine lost power; the history can be rebuilt from the
 * log, and a burn must not outlive its deadline, so 10 s.
 */
export const PART_REMOVAL: Readonly<Record<string, number>> = {
  old_parts_lifetime: 10,
  cleanup_delay_period: 5,
  cleanup_delay_period_random_add: 0,
  max_cleanup_delay_period: 5,
}

export function promptPartRemoval(table: (name: string) => string, caps: Capabilities): string[] {
  const known = Object.entries(PART_REMOVAL).filter(([name]) => caps.tableSettings.has(name))
  if (known.length === 0) return []
  return [`ALTER TABLE ${table('messages')} MODIFY SETTING ${known.map(([name, value]) => `${name} = ${value}`).join(', ')}`]
}
