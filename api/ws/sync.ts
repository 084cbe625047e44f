import pLimit from 'p-limit'
import type { EventLog, StoredEvent } from '../../core/log/index.js'
import { readAs } from '../../core/log/index.js'
import type { ServerFrame } from '../../schemas/index.js'

/** Events read from the log per round trip while serving a sync. */
const PAGE = 200

export type Emit = (frame: ServerFrame) => Promise<void>

/** A sync that leaves nothing to live delivery: it serves everything up to its end. */
export const NOTHING_LIVE = (_stored: StoredEvent) => false

/**
 * Sends what a client of `reader` misses of one conversation: every event from
 * `from` up to `last` (the head when undefined) that reaches the reader, in seq
 * order, and an `erased` frame naming the seqs of each page that it will never
 * get (burned, or another member's private event), before that page's events,
 * so a client that buffers out-of-order events can move past the holes at once.
 * With `latest`, only the last `latest` seqs up to `last` are sent, after a
 * `skipped` frame naming the seqs left out.
 */
export async function syncConversation(
  log: EventLog,
  reader: string,
  conv: string,
  from: number,
  last: number | undefined,
  emit: Emit,
  isLive: (stored: StoredEvent) => boolean = NOTHING_LIVE,
  latest?: number,
): Promise<void> {
  const end = last ?? (await log.head(conv)).seq
  let start = Math.max(1, from)
  // A latest-N sync: the seqs before the window are named once, so the client moves past them instead of waiting.
  if (latest !== undefined && end - latest + 1 > start) {
    start = end - latest + 1
    await emit({ type: 'skipped', conv, upTo: start - 1 })
  }
  for (let next = start; next <= end; ) {
    const upTo = Math.min(end, next + PAGE - 1)
    const page = await readAs(log, reader, conv, { from: next, limit: upTo - next + 1 })
    // Events left to live delivery (isLive: from where it stood when the sync began) reach the client live, filtered by
    // membership; serving them here could hand a just-removed member what follows the removal.
    const firstLive = page.findIndex(isLive)
    const served = firstLive < 0 ? page : page.slice(0, firstLive)
    const through = served.length < page.length ? page[served.length]!.event.seq - 1 : upTo
    const holes = missing(next, through, served)
    if (holes.length > 0) await emit({ type: 'erased', conv, seqs: holes })
    for (const s of served) await emit({ type: 'event', event: s.event })
    if (served.length < page.length) return
    next = upTo + 1
  }
}

function missing(from: number, to: number, page: StoredEvent[]): number[] {
  const present = new Set(page.map((s) => s.event.seq))
  const holes: number[] = []
  for (let seq = from; seq <= to; seq++) if (!present.has(seq)) holes.push(seq)
  return holes
}

/** Runs tasks with at most `limit` in flight; resolves when all are done, rejects with the first failure. */
export async function pooled<T>(items: Iterable<T>, limit: number, task: (item: T) => Promise<void>): Promise<void> {
  await pLimit(limit).map(items, task)
}
