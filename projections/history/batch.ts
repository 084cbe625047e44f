import type { Followed } from '../../core/log/index.js'
import { type EncodedRow, encoded, eventRow, type HiddenRow, hiddenRows, type MessageRow, messageRow, type Revision, revisions } from './rows.js'
import { words } from './words.js'

/** What a revision needs from the message it changes, when that message was stored by an earlier batch. */
export interface Original {
  conv: string
  seq: number
  at_ms: number
  sender: string
  kind: string
}

export const messageKey = (conv: string, seq: number) => `${conv}\u0000${seq}`

/** Whether a batch's message rows carry the words a server without a text index searches (see words.ts). */
export interface BatchOptions {
  words?: boolean
}

/**
 * The rows one flush writes. Event and message rows are encoded as the lines
 * the insert sends as their events arrive, so a flush does not stringify a
 * second's rows at once on the thread that serves the sockets; the rare ones
 * (hidden rows, revisions of messages stored earlier) are encoded at the
 * flush. A message and its revisions within one batch fold
 * into a single row (the newest version); revisions of messages stored earlier
 * wait for their originals to be looked up. Every burned (or erasing recall)
 * target is listed so stored versions can be erased too.
 */
export class HistoryBatch {
  readonly events: EncodedRow[] = []
  readonly hidden: HiddenRow[] = []
  /** Each message's row and its line, encoded together: a revision replaces both. */
  private readonly messages = new Map<string, { row: MessageRow; json: string }>()
  private readonly pending = new Map<string, Revision>()
  /** conv → seqs whose every stored version must lose its text. */
  readonly erase = new Map<string, Set<number>>()
  readonly words: boolean

  constructor(opts: BatchOptions = {}) {
    this.words = opts.words ?? false
  }

  get size(): number {
    return this.events.length
  }

  add(f: Followed): void {
    this.events.push(encoded(eventRow(f)))
    this.hidden.push(...hiddenRows(f))
    const m = messageRow(f)
    if (m) this.setMessage(messageKey(m.conv, m.seq), m)
    for (const r of revisions(f)) this.revise(r)
  }

  private setMessage(key: string, row: MessageRow): void {
    this.messages.set(key, { row, json: this.line(row) })
  }

  private line(row: MessageRow): string {
    return JSON.stringify(this.words ? { ...row, words: words(row.text) } : row)
  }

  private revise(r: Revision): void {
    if (r.erase) this.eraseLater(r.conv, r.target)
    const key = messageKey(r.conv, r.target)
    const inBatch = this.messages.get(key)
    if (!inBatch) {
      this.pending.set(key, r)
      return
    }
    this.setMessage(key, { ...inBatch.row, part: r.part, pos: r.pos, state: r.state, text: r.text })
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
    return [...[...this.messages.values()].map((m) => m.row), ...this.revisedRows(originals)]
  }

  /** The same rows as the lines the insert sends. */
  encodedMessageRows(originals: Map<string, Original>): EncodedRow[] {
    const lines: EncodedRow[] = [...this.messages.values()].map(({ row, json }) => ({ part: row.part, pos: row.pos, json }))
    for (const row of this.revisedRows(originals)) lines.push({ part: row.part, pos: row.pos, json: this.line(row) })
    return lines
  }

  /** Rows of messages stored by earlier batches, as their revisions in this one leave them. */
  private revisedRows(originals: Map<string, Original>): MessageRow[] {
    const rows: MessageRow[] = []
    for (const [key, r] of this.pending) {
      const o = originals.get(key)
      if (!o) continue
      rows.push({ part: r.part, pos: r.pos, conv: r.conv, seq: r.target, at_ms: o.at_ms, sender: o.sender, kind: o.kind, state: r.state, text: r.text })
    }
    return rows
  }
}
