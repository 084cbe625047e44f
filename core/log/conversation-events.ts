import type { SeqlineEvent } from '../../schemas/index.js'
import { reaches } from '../domain/index.js'
import { decodeEvent } from './codec.js'
import type { EventLog } from './event-log.js'

/**
 * Every stored event of a conversation from seq 1 up to `upTo`, in seq order,
 * in one scan of the log: all of them for audits and replays, or as `reader`
 * may have them (without other members' private events, as readAs gives them).
 */
export async function* conversationEvents(log: EventLog, conv: string, upTo: number, reader?: string): AsyncGenerator<SeqlineEvent> {
  for await (const batch of log.scan(conv, upTo)) {
    for (const stored of batch) {
      const event = decodeEvent(stored.body)
      if (reader === undefined || reaches(event, reader)) yield event
    }
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
