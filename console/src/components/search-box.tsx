import type { SearchResult } from '@seqline/client'
import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { LiveChat } from '../chat/live.js'
import { Highlighted } from './highlighted.js'
import { ErrorNote } from './notice.js'

/** Full-text search of the user's conversations (CJK included), hits with the matched words marked. */
export function SearchBox({ chat, onOpen }: { chat: LiveChat; onOpen: (conv: string) => void }) {
  const [result, setResult] = useState<SearchResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const search = (e: Event) => {
    e.preventDefault()
    const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim()
    if (!q) return
    setError(null)
    chat.client
      .search(q, { limit: 20 })
      .then(setResult)
      .catch((err) => setError(messageOf(err)))
  }
  return (
    <section class="search" aria-label="Search">
      <search>
        <form onSubmit={search}>
          <label>
            Search messages <input name="q" type="search" required />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      <ErrorNote error={error} />
      {result && (
        <ul class="hits" aria-label="Search results">
          {result.hits.length === 0 && <li>No messages found.</li>}
          {result.hits.map((hit) => (
            <li key={`${hit.conv}#${hit.seq}`} class="hit">
              <button type="button" onClick={() => onOpen(hit.conv)}>
                <span class="who">{hit.sender}</span> <Highlighted text={hit.snippet} ranges={hit.highlights} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
