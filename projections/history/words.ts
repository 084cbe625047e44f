/**
 * Splits text into search tokens the way ClickHouse's `asciiCJK` tokenizer
 * does, lowercased as its `lowerUTF8` preprocessor would: a run of ASCII
 * letters, digits and `_` is one token (joined across a single `.`, `:` or `'`
 * between two of them, as in `a.b` or `can't`), and every other non-ASCII code
 * point (a Han, Kana or Hangul character, an accented letter, an emoji) is a
 * token of its own. Queries and the token column of servers without a text
 * index use it, so a token found by one strategy is found by the other; a run
 * of CJK characters is then checked in order by the search (see search.ts).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, to match every character outside it
const TOKEN = /[A-Za-z0-9_]+(?:[.:'][A-Za-z0-9_]+)*|[^\u0000-\u007f]/gu

/** The same pattern for ClickHouse's `extractAll` on lowercased text (servers that tokenize in SQL to rebuild the token column). */
export const TOKEN_REGEXP_SQL = `[a-z0-9_]+(?:[.:'][a-z0-9_]+)*|[^\\x00-\\x7f]`

export interface TokenSpan {
  token: string
  /** Offsets in UTF-16 code units, as JavaScript strings index them. */
  start: number
  end: number
}

export function tokenSpans(text: string): TokenSpan[] {
  const spans: TokenSpan[] = []
  for (const m of text.matchAll(TOKEN)) spans.push({ token: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length })
  return spans
}

export function words(text: string): string[] {
  return tokenSpans(text).map((s) => s.token)
}

/**
 * The query split into terms: the tokens typed with nothing between them
 * (`路线图`, `naïve`, `Seqline发布了v2`) form one term, which must appear in
 * the text as that run of tokens, in that order, rather than scattered.
 */
export function terms(text: string): string[][] {
  const out: string[][] = []
  let end = -1
  for (const span of tokenSpans(text)) {
    if (span.start === end) out.at(-1)!.push(span.token)
    else out.push([span.token])
    end = span.end
  }
  return out
}
