import Type from 'typebox'
import { Actor, ConversationId, EpochMs, Seq } from './ids.js'
import { Time } from './times.js'

const conv = '(?:g_[A-Za-z0-9_-]{1,64}|d~[A-Za-z0-9_-]{1,64}~[A-Za-z0-9_-]{1,64})'
const kind = '(?:text|image|file|custom)'

export const MAX_SEARCH_WORDS = 32

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500, description: 'words to find (letters and digits; other characters separate words)' }),
    mode: Type.Union([Type.Literal('all'), Type.Literal('any'), Type.Literal('phrase')], {
      default: 'all',
      description: 'all words, any word, or the words in this order',
    }),
    conv: Type.Optional(Type.String({ pattern: `^${conv}(?:,${conv}){0,99}$`, description: 'only these conversations (comma-separated, at most 100)' })),
    sender: Type.Optional(Actor),
    kind: Type.Optional(Type.String({ pattern: `^${kind}(?:,${kind}){0,3}$`, description: 'only these message kinds (comma-separated)' })),
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,600}$', description: 'the `next` of the previous page' })),
  },
  { additionalProperties: false },
)
export type SearchQuery = Type.Static<typeof SearchQuery>

const SearchHit = Type.Object(
  {
    conv: ConversationId,
    seq: Seq,
    at: EpochMs,
    sender: Actor,
    kind: Type.String(),
    state: Type.Union([Type.Literal('live'), Type.Literal('edited')]),
    snippet: Type.String({ description: 'the text around the first match' }),
    highlights: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()]), { description: '[start, end) of each matched word in the snippet' }),
  },
  { title: 'SearchHit' },
)

export const SearchResult = Type.Object(
  {
    hits: Type.Array(SearchHit, { description: 'newest first' }),
    next: Type.Optional(Type.String({ description: 'pass as cursor for the next page; absent on the last page' })),
  },
  { title: 'SearchResult' },
)
export type SearchResult = Type.Static<typeof SearchResult>

export const SqlRequest = Type.Object(
  { sql: Type.String({ minLength: 1, maxLength: 100_000, description: 'one read-only SELECT' }) },
  { additionalProperties: false, title: 'SqlRequest' },
)
export const SqlResult = Type.Object(
  {
    rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    rowCount: Type.Integer(),
  },
  { title: 'SqlResult' },
)
