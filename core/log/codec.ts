import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/events.js'
import { upcast } from './upcast.js'

/** The conversation seq of a stored event, readable without parsing its body. */
export const SEQ_HEADER = 'Seqline-Seq'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeEvent(event: SeqlineEvent): { body: Uint8Array; headers: MsgHdrs } {
  const headers = natsHeaders()
  headers.set(SEQ_HEADER, String(event.seq))
  return { body: encoder.encode(JSON.stringify(event)), headers }
}

export function decodeEvent(body: Uint8Array): SeqlineEvent {
  return upcast(JSON.parse(decoder.decode(body)) as SeqlineEvent)
}

export function seqFromHeaders(h: MsgHdrs | undefined): number {
  const raw = h?.get(SEQ_HEADER)
  const seq = raw ? Number(raw) : NaN
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`stored event without a valid ${SEQ_HEADER} header`)
  return seq
}
