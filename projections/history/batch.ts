import type { Followed } from '../../core/log/index.js'
import { type EncodedRow, encoded, eventRow, type HiddenRow, hiddenRows, type MessageRow, messageRow, type Revision, revisions } from './rows.js'

/** What a revision needs from the message it changes, when that message was stored by an earlier batch. */
export interface Original {
  conv: string
  seq: number
  at_ms: number
  sender: string
  kind: string
}

export const messageKey = (conv: string, seq: number) => `${conv}\u0000${seq}`

/**
 * The rows one flush writes. A message and its revisions within one batch
 * fold into a single row (the newest version); revisions of messages stored
 * earlier wait for their originals to be looked up. Every burned (or erasing
 * recall) target is listed so stored versions can be erased too.
 */
export class HistoryBatch {
  /** Encoded as each event arrives, so a flush does not stringify a second's worth of rows at once. */
  readonly events: EncodedRow[] = []
  readonly hidden: HiddenRow[] = []
  private readonly messages = new Map<string, MessageRow>()
  /** Message rows encoded as they arrived, until a revision in the batch changes them. */
  private readonly lines = new Map<string, string>()
  private readonly pending = new Map<string, Revision>()
  /** conv → seqs whose every stored version must lose its text. */
  readonly erase = new Map<string, Set<number>>()

  get size(): number {
    return this.events.length
  }

  add(f: Followed): void {
    this.events.push(encoded(eventRow(f)))
    this.hidden.push(...hiddenRows(f))
    const m = messageRow(f)
    if (m) {
      const key = messageKey(m.conv, m.seq)
      this.messages.set(key, m)
      this.lines.set(key, JSON.stringify(m))
    }
    for (const r of revisions(f)) this.revise(r)
  }

  private revise(r: Revision): void {
    if (r.erase) this.eraseLater(r.conv, r.target)
    const key = messageKey(r.conv, r.target)
    const inBatch = this.messages.get(key)
    if (!inBatch) {
      this.pending.set(key, r)
      return
    }
    this.messages.set(key, { ...inBatch, part: r.part, pos: r.pos, state: r.state, text: r.text })
    this.lines.delete(key)
  }

  private eraseLater(conv: string, seq: number): void {
    const seqs = this.erase.get(conv) ?? new Set<number>()
    seqs.add(seq)
    this.erase.set(conv, seqs)
  }

  /** Targets of revisions whose message is not in this batch, by conversation. */
  lookups(): Map<string, number[]> {
    const byConv = new Map<string, number[]>()
    for (const r of this.pending.values()) byConv.set(r.conv, [...(byConv.get(r.conv) ?? []), r.target])
    return byConv
  }

  /** The message rows to insert, given the stored originals of pending revisions (missing ones were never stored: nothing to revise). */
  messageRows(originals: Map<string, Original>): MessageRow[] {
    const rows = [...this.messages.values()]
    for (const [key, r] of this.pending) {
      const o = originals.get(key)
      if (!o) continue
      rows.push({ part: r.part, pos: r.pos, conv: r.conv, seq: r.target, at_ms: o.at_ms, sender: o.sender, kind: o.kind, state: r.state, text: r.text })
    }
    return rows
  }

  /** The same rows as JSON lines: those unchanged since they arrived were encoded then. */
  encodedMessageRows(originals: Map<string, Original>): EncodedRow[] {
    return this.messageRows(originals).map((row) => ({
      part: row.part,
      pos: row.pos,
      json: this.lines.get(messageKey(row.conv, row.seq)) ?? JSON.stringify(row),
    }))
  }
}
