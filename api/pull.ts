import type { EventLog } from '../core/log/index.js'
import { readAs } from '../core/log/index.js'
import type { RangeQuery, SeqlineEvent } from '../schemas/index.js'
import type { Visible } from './authorize.js'

export interface Page {
  conv: string
  head: number
  events: SeqlineEvent[]
  erased: number[]
  /** Reaction aggregates of the page's messages that have any, by seq (api/routes/reactions.ts). */
  reactions?: Record<number, Array<{ key: string; count: number; mine: boolean; latest: string[] }>>
}

/** The seqs [first, last] a range query covers once clipped to what the caller may see; null when none. */
export function clip(query: RangeQuery, head: number): [number, number] | null {
  const [first, last] =
    query.direction === 'backward'
      ? [Math.max(1, Math.min(query.from, head) - query.limit + 1), Math.min(query.from, head)]
      : [query.from, Math.min(head, query.from + query.limit - 1)]
  return first <= last ? [first, last] : null
}

/**
 * One page of a conversation as the reader may have it. The log is dense, so a seq
 * of the range that is not returned was erased (burned) or is another member's
 * private event: it is listed, so the client can still tell a hole it may skip
 * from a gap it must pull.
 */
export async function pull(log: EventLog, reader: string, visible: Visible, query: RangeQuery): Promise<Page> {
  const range = clip(query, visible.head)
  const page: Page = { conv: visible.conv, head: visible.head, events: [], erased: [] }
  if (!range) return page
  const [first, last] = range
  const stored = await readAs(log, reader, visible.conv, { from: first, limit: last - first + 1 })
  page.events = stored.map((s) => s.event)
  page.erased = holes(page.events, first, last)
  return page
}

function holes(events: SeqlineEvent[], first: number, last: number): number[] {
  const present = new Set(events.map((e) => e.seq))
  const missing: number[] = []
  for (let seq = first; seq <= last; seq++) if (!present.has(seq)) missing.push(seq)
  return missing
}
