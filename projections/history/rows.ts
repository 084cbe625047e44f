import type { Followed } from '../../core/log/index.js'
import type { MessageContent, SeqlineEvent } from '../../schemas/index.js'

type MessageState = 'live' | 'edited' | 'recalled' | 'burned' | 'erased'

/** Where a row came from in the log: which partition stream, at which stream seq. */
interface Position {
  part: number
  pos: number
}

/** A row as the JSONEachRow line it is inserted as, beside the log position the writer skips rows already written by. */
export interface EncodedRow extends Position {
  json: string
}

export const encoded = (row: EventRow | HiddenRow): EncodedRow => ({ part: row.part, pos: row.pos, json: JSON.stringify(row) })

export interface MessageRow extends Position {
  conv: string
  seq: number
  at_ms: number
  sender: string
  kind: string
  state: MessageState
  text: string
}

export interface EventRow extends Position {
  conv: string
  seq: number
  at_ms: number
  type: string
  actor: string
  cmd: string
  data: string
}

export interface HiddenRow extends Position {
  user: string
  conv: string
  seq: number
}

/** A later event that changes a stored message: an edit, a recall, a burn, an erasure. */
export interface Revision extends Position {
  conv: string
  target: number
  state: Exclude<MessageState, 'live'>
  text: string
  /** Every stored version's text must be destroyed, not merely superseded. */
  erase: boolean
}

/** The text a message is found by: the words a user would search for. */
function searchableText(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return content.text
    case 'image':
      return content.caption ?? ''
    case 'file':
      return content.name
    case 'custom':
      return ''
  }
}

// Rows are built field by field, without spreads: every event of the log makes one, on the thread that serves the sockets.
export function eventRow(f: Followed): EventRow {
  const e = f.event
  return {
    part: f.partition,
    pos: f.streamSeq,
    conv: e.conv,
    seq: e.seq,
    at_ms: e.at,
    type: e.type,
    actor: e.actor,
    cmd: e.cmd,
    data: JSON.stringify(withoutContent(e)),
  }
}

/** Event data without message content: content lives only in `messages`, where a burn can erase it. */
function withoutContent(e: SeqlineEvent): unknown {
  if (e.type !== 'message.sent' && e.type !== 'message.edited') return e.data
  const data = e.data as Record<string, unknown> & { content: MessageContent }
  const out: Record<string, unknown> = {}
  for (const key in data) if (key !== 'content') out[key] = data[key]
  out.contentType = data.content.type
  return out
}

export function messageRow(f: Followed): MessageRow | null {
  const e = f.event
  if (e.type !== 'message.sent') return null
  const content = e.data.content
  return {
    part: f.partition,
    pos: f.streamSeq,
    conv: e.conv,
    seq: e.seq,
    at_ms: e.at,
    sender: e.actor,
    kind: content.type,
    state: 'live',
    text: searchableText(content),
  }
}

/** The revisions an event makes: one per message it changes (an erasure names many). */
export function revisions(f: Followed): Revision[] {
  const e = f.event
  const at = { part: f.partition, pos: f.streamSeq, conv: e.conv }
  if (e.type === 'message.edited') return [{ ...at, target: e.data.target, state: 'edited', text: searchableText(e.data.content), erase: false }]
  if (e.type === 'message.recalled') return [{ ...at, target: e.data.target, state: 'recalled', text: '', erase: e.data.erase }]
  if (e.type === 'message.burned') return [{ ...at, target: e.data.target, state: 'burned', text: '', erase: true }]
  // Each target's row holds every version of it (its edits included): erasing the row's text erases them all.
  if (e.type === 'content.erased') return e.data.targets.map((t) => ({ ...at, target: t.seq, state: 'erased', text: '', erase: true }))
  return []
}

export function hiddenRows(f: Followed): HiddenRow[] {
  const e = f.event
  if (e.type !== 'message.deleted_for_me') return []
  return e.data.targets.map((seq) => ({ part: f.partition, pos: f.streamSeq, user: e.actor, conv: e.conv, seq }))
}
