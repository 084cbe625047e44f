import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/index.js'
import { EVENT_VERSION, type FieldError, validateEvent } from '../../schemas/index.js'
import { upcast } from './upcast.js'

/** The conversation seq of a stored event, readable without parsing its body. */
export const SEQ_HEADER = 'Seqline-Seq'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The JSON of events whose writer vouched for their shape: the append stores
 * exactly this text, unchecked, and whoever answers with the event may reuse it.
 */
const vouched = new WeakMap<SeqlineEvent, string>()

/**
 * Encodes an event built from a command that passed its schema, by code whose
 * types give every other field (the decider and the handler's envelope), and
 * vouches for it: its append neither checks it against the event schema nor
 * encodes it again. Returns its JSON.
 */
export function encodeVouched(event: SeqlineEvent): string {
  const json = JSON.stringify(event)
  vouched.set(event, json)
  return json
}

type AppendEncoding = { ok: true; body: Uint8Array; headers: MsgHdrs } | { ok: false; errors: FieldError[] }

/**
 * What the log stores for an event. The log is kept forever, so an event
 * nobody vouched for is checked against its schema first, whatever wrote it.
 */
export function encodeForAppend(event: SeqlineEvent): AppendEncoding {
  let json = vouched.get(event)
  if (json === undefined) {
    const valid = validateEvent(event)
    if (!valid.ok) return valid
    json = JSON.stringify(event)
  }
  return { ok: true, body: encoder.encode(json), headers: headersOf(event) }
}

function headersOf(event: SeqlineEvent): MsgHdrs {
  const headers = natsHeaders()
  headers.set(SEQ_HEADER, String(event.seq))
  return headers
}

export function decodeEvent(body: Uint8Array): SeqlineEvent {
  return upcast(JSON.parse(decoder.decode(body)) as SeqlineEvent)
}

/** True when a decoded event is at its type's current version: its stored bytes are then exactly its JSON (no upcast changed it). */
export function isCurrentVersion(event: SeqlineEvent): boolean {
  return event.v === EVENT_VERSION[event.type]
}

export function seqFromHeaders(h: MsgHdrs | undefined): number {
  const raw = h?.get(SEQ_HEADER)
  const seq = raw ? Number(raw) : NaN
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`stored event without a valid ${SEQ_HEADER} header`)
  return seq
}
