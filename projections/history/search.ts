import { messageKey } from './batch.js'
import type { HitPosition } from './cursor.js'
import type { HistoryDb } from './history-db.js'
import type { Sql } from './sql.js'

type SearchMode = 'all' | 'any' | 'phrase'

/** Whose history a search may look at: everything (admins), or a user's conversations. */
export type SearchScope =
  | { all: true }
  | {
      all?: false
      user: string
      /** Conversations the user belongs to: every seq. */
      members: string[]
      /** Conversations the user left or was removed from: up to the leave seq. */
      former: Array<{ conv: string; left: number }>
    }

export interface SearchRequest {
  /**
   * Lowercased search terms, each a run of tokens typed together (see
   * `terms` in words.ts): `路线图` is ['路', '线', '图'] and must appear in that
   * order; phrase mode passes every token of the query as one term.
   */
  terms: string[][]
  mode: SearchMode
  convs?: string[]
  sender?: string
  kinds?: string[]
  from?: number
  to?: number
  limit: number
  after?: HitPosition
}

export interface StoredHit {
  conv: string
  seq: number
  at_ms: number
  sender: string
  kind: string
  state: 'live' | 'edited'
  text: string
}

/**
 * Full-text search of the history, newest first, one page. Uses the text index
 * where the server has one and a scan of the word column otherwise. Only the
 * newest version of each message counts, so an edited message is found by its
 * new words only and a recalled or burned one not at all — checked per
 * candidate by primary-key lookup rather than with FINAL, which would merge
 * every row of the table on each search.
 */
export async function searchMessages(
  db: HistoryDb,
  scope: SearchScope,
  req: SearchRequest,
): Promise<{ hits: StoredHit[]; more: boolean; resume?: SearchRequest['after'] }> {
  const scoped = narrow(scope, req.convs)
  if (!scoped.all && scoped.members.length === 0 && scoped.former.length === 0) return { hits: [], more: false }
  if (req.terms.flat().length === 0) return { hits: [], more: false }
  const want = req.limit + 1
  const pageSize = Math.max(50, want * 2)
  const hits: StoredHit[] = []
  let after = req.after
  let exhausted = false
  for (let round = 0; round < MAX_ROUNDS && hits.length < want; round++) {
    const candidates = await candidatePage(db, scoped, { ...req, after }, pageSize)
    const inOrder = candidates.filter((c) => c.ordered)
    hits.push(...(await newestOnly(db, inOrder)))
    const last = candidates.at(-1)
    if (!last || candidates.length < pageSize) {
      exhausted = true
      break
    }
    after = { at: last.at_ms, conv: last.conv, seq: last.seq }
  }
  if (hits.length > req.limit) return { hits: hits.slice(0, req.limit), more: true }
  // Out of rounds with older candidates left (old versions, or tokens present but out of order): the caller goes on from the last one looked at.
  if (!exhausted) return { hits, more: true, resume: after }
  return { hits, more: false }
}

/** Pages of older versions that no longer match are skipped; past this many pages a search ends early. */
const MAX_ROUNDS = 20

/** A matching row of any version; `ordered` when its text holds each run of tokens in order (see orderedClause). */
type Candidate = StoredHit & { pos: number; ordered: boolean }

/**
 * Matching rows of any version, newest first. With a text index the WHERE
 * reads only the index and the key columns, and the order of each run is
 * computed in the SELECT, so ClickHouse reads the text lazily — for the rows
 * of this page only, after it has picked them — instead of for every row the
 * index names (a common word's millions, or every row of a rare word's
 * granules). Without one, the word column is checked in the WHERE.
 */
async function candidatePage(db: HistoryDb, scope: SearchScope, req: SearchRequest, size: number): Promise<Candidate[]> {
  const sql = db.sql()
  const tokens = sql.value([...new Set(req.terms.flat())], 'Array(String)')
  const fn = req.mode === 'any' ? 'Any' : 'All'
  const indexed = db.caps.textIndex
  const ordered = indexed
    ? orderedClause(sql, req.terms, req.mode, `tokens(lowerUTF8(text), 'asciiCJK')`, 'lowerUTF8(text)')
    : orderedClause(sql, req.terms, req.mode, 'words')
  const where = [
    `state IN ('live', 'edited')`,
    indexed ? `has${fn}Tokens(text, ${tokens})` : `has${fn}(words, ${tokens})`,
    ...(indexed ? [] : [ordered]),
    ...scopeClauses(db, sql, scope),
    ...filterClauses(sql, req),
  ]
  const rows = await db.rows<Candidate>(
    `SELECT conv, seq, pos, at_ms, sender, kind, state, text, ${indexed ? ordered : '1'} AS ordered FROM ${db.table('messages')}
     ${indexed ? '' : substringPrefilter(sql, req.terms, req.mode)}
     WHERE ${where.join(' AND ')}
     ORDER BY at_ms DESC, conv DESC, seq DESC
     LIMIT ${size}`,
    sql,
    db.caps.searchSettings,
  )
  return rows.map((r) => ({ ...r, ordered: Boolean(Number(r.ordered)) }))
}

/** The candidates that are their message's newest stored version (by log position), as hits. */
async function newestOnly(db: HistoryDb, candidates: Candidate[]): Promise<StoredHit[]> {
  if (candidates.length === 0) return []
  const sql = db.sql()
  const convs = [...new Set(candidates.map((c) => c.conv))]
  const seqs = [...new Set(candidates.map((c) => c.seq))]
  const rows = await db.rows<{ conv: string; seq: number; pos: number }>(
    `SELECT conv, seq, max(pos) AS pos FROM ${db.table('messages')}
     WHERE conv IN ${sql.list(convs)} AND has(${sql.value(seqs, 'Array(UInt64)')}, seq) GROUP BY conv, seq`,
    sql,
  )
  const newest = new Map(rows.map((r) => [messageKey(r.conv, r.seq), Number(r.pos)]))
  return candidates.filter((c) => newest.get(messageKey(c.conv, c.seq)) === Number(c.pos)).map(({ pos: _pos, ordered: _ordered, ...hit }) => hit)
}

/** A user's scope cut down to the conversations asked for; asking never widens it. */
function narrow(scope: SearchScope, convs?: string[]): SearchScope {
  if (!convs) return scope
  if (scope.all) return scope
  const wanted = new Set(convs)
  return { ...scope, members: scope.members.filter((c) => wanted.has(c)), former: scope.former.filter((f) => wanted.has(f.conv)) }
}

/**
 * The index (or word column) narrows to rows holding the tokens; a term of
 * several tokens then must appear as that run, in order, in the row's own
 * tokens, so `路线图` does not match a text with 路, 线 and 图 scattered.
 * In `any` mode one term so found is enough. 1 when no term has a run.
 */
function orderedClause(sql: Sql, terms: string[][], mode: SearchMode, rowTokens: string, lowered?: string): string {
  const inOrder = (run: string[]) => {
    const tokenRun = `position(concat(' ', arrayStringConcat(${rowTokens}, ' '), ' '), ${sql.value(` ${run.join(' ')} `, 'String')}) > 0`
    if (lowered === undefined || !substringImpliesRun(run)) return tokenRun
    return `(position(${lowered}, ${sql.value(run.join(''), 'String')}) > 0 OR ${tokenRun})`
  }
  if (mode === 'any') return terms.some((t) => t.length > 1) ? `(${terms.map(inOrder).join(' OR ')})` : '1'
  const runs = terms.filter((t) => t.length > 1)
  return runs.length === 0 ? '1' : runs.map(inOrder).join(' AND ')
}

/**
 * Whether finding a run's characters together in the lowercased text proves
 * the tokens stand in that order: true when the run begins and ends with a
 * one-character token (CJK, kana, hangul...), since the text's tokenizer cuts
 * before and after each such character whatever surrounds it; an ASCII word at
 * either end could be part of a longer word in the text (`v2` in `xv2`). The
 * substring test is much cheaper than tokenizing the row, and when it fails
 * the token check still runs (`蝾 螈`, with a space, is the same run).
 */
function substringImpliesRun(run: string[]): boolean {
  const single = (token: string | undefined) => token !== undefined && [...token].length === 1 && token.codePointAt(0)! > 0x7f
  return single(run[0]) && single(run.at(-1))
}

/**
 * Without a text index, a substring test on the text is far cheaper than
 * reading the word arrays: PREWHERE reads the arrays only for rows that
 * contain the tokens somewhere (the token test then checks boundaries).
 */
function substringPrefilter(sql: Sql, terms: string[][], mode: SearchMode): string {
  const tests = terms.map((t) => t.map((w) => `positionCaseInsensitiveUTF8(text, ${sql.value(w, 'String')}) > 0`).join(' AND '))
  return `PREWHERE ${tests.map((t) => `(${t})`).join(mode === 'any' ? ' OR ' : ' AND ')}`
}

function scopeClauses(db: HistoryDb, sql: Sql, scope: SearchScope): string[] {
  if (scope.all) return []
  const allowed: string[] = []
  if (scope.members.length > 0) allowed.push(`conv IN ${sql.list(scope.members)}`)
  for (const f of scope.former) allowed.push(`(conv = ${sql.value(f.conv, 'String')} AND seq <= ${sql.value(f.left, 'UInt64')})`)
  const hidden = `(conv, seq) NOT IN (SELECT conv, seq FROM ${db.table('hidden')} WHERE user = ${sql.value(scope.user, 'String')})`
  return [`(${allowed.join(' OR ')})`, hidden]
}

function filterClauses(sql: Sql, req: SearchRequest): string[] {
  const clauses: string[] = []
  if (req.convs) clauses.push(`conv IN ${sql.list(req.convs)}`)
  if (req.sender) clauses.push(`sender = ${sql.value(req.sender, 'String')}`)
  if (req.kinds) clauses.push(`kind IN ${sql.list(req.kinds)}`)
  if (req.from !== undefined) clauses.push(`at_ms >= ${sql.value(req.from, 'UInt64')}`)
  if (req.to !== undefined) clauses.push(`at_ms < ${sql.value(req.to, 'UInt64')}`)
  if (req.after) {
    const at = sql.value(req.after.at, 'UInt64')
    const conv = sql.value(req.after.conv, 'String')
    const seq = sql.value(req.after.seq, 'UInt64')
    clauses.push(`(at_ms < ${at} OR (at_ms = ${at} AND (conv < ${conv} OR (conv = ${conv} AND seq < ${seq}))))`)
  }
  return clauses
}
