import { tokenSpans } from './words.js'

export interface Snippet {
  snippet: string
  /** [start, end) of each match in `snippet`, in UTF-16 code units (as JavaScript indexes strings). */
  highlights: Array<[number, number]>
}

const BEFORE = 40
const LENGTH = 160

/**
 * The part of `text` around the first searched token, with every searched
 * token in it marked by offsets; adjacent tokens (the characters of `路线图`)
 * are marked as one range. Offsets and cuts never split a surrogate pair, so
 * an emoji is kept whole.
 */
export function snippetOf(text: string, searched: string[]): Snippet {
  const wanted = new Set(searched)
  const found = merged(tokenSpans(text).filter((w) => wanted.has(w.token)))
  const first = found[0]?.start ?? 0
  const start = wholeChar(text, first <= BEFORE ? 0 : first - BEFORE)
  const end = wholeChar(text, Math.min(text.length, start + LENGTH))
  const prefix = start > 0 ? '…' : ''
  const suffix = end < text.length ? '…' : ''
  const shift = prefix.length - start
  const highlights = found.filter((w) => w.start >= start && w.end <= end).map((w): [number, number] => [w.start + shift, w.end + shift])
  return { snippet: `${prefix}${text.slice(start, end)}${suffix}`, highlights }
}

function merged(spans: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = []
  for (const s of spans) {
    const last = out.at(-1)
    if (last && last.end === s.start) last.end = s.end
    else out.push({ start: s.start, end: s.end })
  }
  return out
}

/** `at`, moved back off the second half of a surrogate pair. */
function wholeChar(text: string, at: number): number {
  const c = text.charCodeAt(at)
  return at > 0 && c >= 0xdc00 && c <= 0xdfff ? at - 1 : at
}
