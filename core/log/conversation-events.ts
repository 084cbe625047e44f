import type { SeqlineEvent } from '../../schemas/index.js'
import type { EventLog } from './event-log.js'
import { readAs } from './read-as.js'

const PAGE = 500
/**
 * Every stored event of a conversation from seq 1 up to `upTo`, in seq order: all
 * of them for audits and replays, or as `reader` may have them (without other
 * members' private events). Pages advance by seq, not by what came back: erased
 * seqs are holes, and a page may hold nothing but holes while later pages still
 * hold events.
 */
export async function* conversationEvents(log: EventLog, conv: string, upTo: number, reader?: string): AsyncGenerator<SeqlineEvent> {
  for (let from = 1; from <= upTo; from += PAGE) {
    const range = { from, limit: Math.min(PAGE, upTo - from + 1) }
    const page = reader === undefined ? await log.read(conv, range) : await readAs(log, reader, conv, range)
    for (const stored of page) yield stored.event
  }
}

/** Keeps the events whose time lies in [since, until]; either bound may be absent. */
export async function* within(events: AsyncIterable<SeqlineEvent>, since?: number, until?: number): AsyncGenerator<SeqlineEvent> {
  for await (const event of events) {
    if (since !== undefined && event.at < since) continue
    if (until !== undefined && event.at > until) continue
    yield event
  }
}

/** Streams events as NDJSON; the events are produced as the client reads, never all held at once. */
