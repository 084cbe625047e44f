import type { HistoryDb } from '../projections/history/history-db.js'
import { decodeCursor, encodeCursor } from '../projections/history/cursor.js'
import { searchMessages, type SearchScope, type StoredHit } from '../projections/history/search.js'
import { snippetOf } from '../projections/history/snippet.js'
import { terms, words } from '../projections/history/words.js'
import { MAX_SEARCH_WORDS, type SearchQuery, type SearchResult } from '../schemas/search.js'
import { visibleTo } from './authorize.js'
import type { ApiDeps } from './deps.js'
import { ApiError, validationFailed } from './errors.js'

export function historyOf(deps: ApiDeps): NonNullable<ApiDeps['history']> {
  if (!deps.history) throw new ApiError(503, 'HISTORY_UNAVAILABLE', 'this process has no history store configured')
  return deps.history
}

/** A page of hits for a search query, within `scope`. */
export async function search(db: HistoryDb, scope: SearchScope, query: SearchQuery): Promise<{ hits: StoredHit[]; next?: string; searched: string[] }> {
  const searched = [...new Set(words(query.q))]
  if (searched.length === 0) throw badQuery('q', 'words', 'q has no word to search for (letters or digits)')
  if (searched.length > MAX_SEARCH_WORDS) throw badQuery('q', 'words', `q has more than ${MAX_SEARCH_WORDS} words`)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
  if (after === null) throw badQuery('cursor', 'cursor', 'cursor is not one this API returned')
  const page = await searchMessages(db, scope, {
    terms: query.mode === 'phrase' ? [words(query.q)] : terms(query.q),
    mode: query.mode,
    convs: query.conv?.split(','),
    sender: query.sender,
    kinds: query.kind?.split(','),
    from: query.from,
    to: query.to,
    limit: query.limit,
    after,
  })
  const last = page.hits.at(-1)
  const next = page.more && last ? encodeCursor({ at: last.at_ms, conv: last.conv, seq: last.seq }) : undefined
  return { hits: page.hits, next, searched }
}

export function present(page: { hits: StoredHit[]; next?: string; searched: string[] }): SearchResult {
  const hits = page.hits.map((h) => ({
    conv: h.conv,
    seq: h.seq,
    at: h.at_ms,
    sender: h.sender,
    kind: h.kind,
    state: h.state,
    ...snippetOf(h.text, page.searched),
  }))
  return page.next ? { hits, next: page.next } : { hits }
}

function badQuery(field: string, rule: string, message: string): ApiError {
  return validationFailed([{ field: `/querystring/${field}`, rule, message }])
}

/** The conversations a user may search, as the views know them: members fully, former members up to their leave seq. */
export async function userScope(deps: ApiDeps, user: string): Promise<SearchScope> {
  const convs = await deps.views.conversationsOf(user)
  const members: string[] = []
  const former: Array<{ conv: string; left: number }> = []
  for (const [conv, c] of Object.entries(convs)) {
    if (c.left === undefined) members.push(conv)
    else former.push({ conv, left: c.left })
  }
  return { user, members, former }
}

/**
 * Checks every hit against the conversation state writes are decided on: the
 * views may lag a kick by a moment, and a search must not show what the user
 * could no longer pull.
 */
export async function keepVisible(deps: ApiDeps, user: string, hits: StoredHit[]): Promise<StoredHit[]> {
  const convs = [...new Set(hits.map((h) => h.conv))]
  const visible = await Promise.all(convs.map((conv) => visibleTo(deps, conv, user).then((v) => v.head, () => 0)))
  const heads = new Map(convs.map((conv, i) => [conv, visible[i]!]))
  return hits.filter((h) => h.seq <= (heads.get(h.conv) ?? 0))
}
