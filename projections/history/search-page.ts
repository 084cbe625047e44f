import { MAX_SEARCH_WORDS, type SearchQuery, type SearchResult } from '../../schemas/index.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import type { HistoryDb } from './history-db.js'
import { type SearchScope, type StoredHit, searchMessages } from './search.js'
import { snippetOf } from './snippet.js'
import { terms, words } from './words.js'

/** A search query that cannot be run as sent: the query field at fault, the rule it breaks. */
export class SearchQueryError extends Error {
  constructor(
    readonly field: keyof SearchQuery,
    readonly rule: string,
    message: string,
  ) {
    super(message)
  }
}

export interface SearchPage {
  hits: StoredHit[]
  next?: string
  /** The distinct words searched for, which the snippets highlight. */
  searched: string[]
}

/** A page of hits for a search query, within `scope`. */
export async function search(db: HistoryDb, scope: SearchScope, query: SearchQuery): Promise<SearchPage> {
  const searched = [...new Set(words(query.q))]
  if (searched.length === 0) throw new SearchQueryError('q', 'words', 'q has no word to search for (letters or digits)')
  if (searched.length > MAX_SEARCH_WORDS) throw new SearchQueryError('q', 'words', `q has more than ${MAX_SEARCH_WORDS} words`)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
  if (after === null) throw new SearchQueryError('cursor', 'cursor', 'cursor is not one this API returned')
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
  const resume = page.resume ?? (last ? { at: last.at_ms, conv: last.conv, seq: last.seq } : undefined)
  const next = page.more && resume ? encodeCursor(resume) : undefined
  return { hits: page.hits, next, searched }
}

/** A page as the API answers it: each hit with its snippet and the searched words highlighted. */
export function present(page: SearchPage): SearchResult {
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
