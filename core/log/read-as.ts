import { reaches } from '../domain/index.js'
import type { EventLog, ReadRange, StoredEvent } from './event-log.js'

/**
 * A range of a conversation as one user may have it: the log's events without
 * other members' private ones (their seqs become holes, like erased ones).
 * Every read that hands events to a user goes through here; audits and
 * Seqline's own reads use the log directly.
 */
export async function readAs(log: EventLog, reader: string, conv: string, range: ReadRange): Promise<StoredEvent[]> {
  const stored = await log.read(conv, range)
  return stored.every((s) => reaches(s.event, reader)) ? stored : stored.filter((s) => reaches(s.event, reader))
}
