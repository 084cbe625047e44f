import type { SeqlineEvent } from '../../schemas/index.js'
import { eventHash, type LinkForm, linkHash } from './chain.js'
import { decodeEvent } from './codec.js'
import { conversationEvents } from './conversation-events.js'
import type { EventLog, StoredBody } from './event-log.js'
import type { AuditEntry, ErasedLine, HeadLine } from './verify.js'

/** A line of an audit export: an event, the record of an erased one, or a conversation's head. */
export type AuditLine = SeqlineEvent | ErasedLine | HeadLine

/**
 * A conversation's audit lines in seq order: its events, the record of each
 * erased seq in its place, and last its head (seq and hash) for a verifier to
 * pin the end of the file to. With a time range only what lies in it, and no
 * head line: such a file is checked inside only.
 */
export async function* conversationAudit(log: EventLog, conv: string, head: number, since?: number, until?: number): AsyncGenerator<AuditLine> {
  const ranged = since !== undefined || until !== undefined
  const inRange = (at: number) => (since === undefined || at >= since) && (until === undefined || at <= until)
  let next = 1
  let headHash: string | undefined
  const entries = async function* (): AsyncGenerator<AuditEntry> {
    for await (const event of conversationEvents(log, conv, head)) {
      yield* erasedBetween(log, conv, next, event.seq)
      next = event.seq + 1
      yield event
    }
    yield* erasedBetween(log, conv, next, head + 1)
  }
  for await (const entry of entries()) {
    const seq = seqOf(entry)
    if (seq === head) headHash = hashOf(entry)
    if (inRange(atOf(entry))) yield entry
  }
  if (!ranged && headHash !== undefined) yield { audit: 'head', conv, seq: head, hash: headHash }
}

const NEWLINE = Buffer.from('\n')

/**
 * A whole conversation's audit export as NDJSON, in chunks: the same lines as
 * conversationAudit, but each event's stored bytes written through as the
 * log holds them — no decode, no re-encode, which cost more than the read —
 * and only the head event decoded, for its hash.
 */
export async function* conversationAuditNdjson(log: EventLog, conv: string, head: number): AsyncGenerator<Uint8Array> {
  let next = 1
  let last: StoredBody | undefined
  for await (const batch of log.scan(conv, head)) {
    const parts: Uint8Array[] = []
    for (const stored of batch) {
      if (stored.seq !== next) for await (const erased of erasedBetween(log, conv, next, stored.seq)) parts.push(lineOf(erased))
      parts.push(stored.body, NEWLINE)
      next = stored.seq + 1
    }
    last = batch.at(-1)
    yield Buffer.concat(parts)
  }
  const tail: ErasedLine[] = []
  for await (const erased of erasedBetween(log, conv, next, head + 1)) tail.push(erased)
  const headEntry: AuditEntry | undefined = tail.at(-1) ?? (last ? decodeEvent(last.body) : undefined)
  const lines = tail.map(lineOf)
  if (headEntry !== undefined && seqOf(headEntry) === head) lines.push(lineOf({ audit: 'head', conv, seq: head, hash: hashOf(headEntry) }))
  if (lines.length > 0) yield Buffer.concat(lines)
}

const lineOf = (line: AuditLine): Buffer => Buffer.from(`${JSON.stringify(line)}\n`)

/**
 * The events stored in a time range of the whole log, with the record of each
 * erased seq between two events of one conversation put in its place.
 */
export async function* rangeAudit(log: EventLog, since: number, until?: number): AsyncGenerator<AuditLine> {
  const last = new Map<string, number>()
  for await (const event of log.eventsBetween(since, until)) {
    const before = last.get(event.conv)
    if (before !== undefined) yield* erasedBetween(log, event.conv, before + 1, event.seq)
    last.set(event.conv, event.seq)
    yield event
  }
}

/** The records kept for the erased seqs in [from, to); a seq with none stays a hole, for the verifier to judge. */
async function* erasedBetween(log: EventLog, conv: string, from: number, to: number): AsyncGenerator<ErasedLine> {
  for (let seq = from; seq < to; seq++) {
    const record = await log.erasedRecord(conv, seq)
    if (record !== null) yield { audit: 'erased', link: JSON.parse(record) as LinkForm }
  }
}

const isErased = (entry: AuditEntry): entry is ErasedLine => 'audit' in entry
const seqOf = (entry: AuditEntry) => (isErased(entry) ? entry.link.seq : entry.seq)
const atOf = (entry: AuditEntry) => (isErased(entry) ? Number(entry.link.at) : entry.at)

/** The hash the next event of the conversation names as its prev. */
const hashOf = (entry: AuditEntry): string => (isErased(entry) ? linkHash(entry.link) : eventHash(entry))
