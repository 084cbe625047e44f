// `seqline export`: a conversation, or a time range of the whole log, to NDJSON
// or CSV for audits; `--verify` checks that a conversation's seq is dense and
// lists its tombstones.
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import type { EventLog } from '../../core/log/index.js'
import { conversationEvents, eventsBetween, type Verification, verifyConversation, within } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { progress } from './progress.js'

export interface ExportOptions {
  conv?: string
  since?: number
  until?: number
  format: 'ndjson' | 'csv'
  out?: string
  verify: boolean
}

const CSV_COLUMNS = ['conv', 'seq', 'at', 'type', 'actor', 'cmd', 'v', 'data'] as const

/** Writes the export; returns the verification of a conversation when asked for one. */
export async function exportEvents(log: EventLog, opts: ExportOptions): Promise<Verification | null> {
  const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout
  const head = opts.conv ? (await log.head(opts.conv)).seq : undefined
  const source = opts.conv ? within(conversationEvents(log, opts.conv, head!), opts.since, opts.until) : eventsBetween(log, opts.since ?? 0, opts.until)
  const kept: SeqlineEvent[] = []
  const tick = progress(head)
  if (opts.format === 'csv') await write(out, `${CSV_COLUMNS.join(',')}\n`)
  for await (const event of source) {
    await write(out, opts.format === 'csv' ? csvLine(event) : `${JSON.stringify(event)}\n`)
    if (opts.verify) kept.push(event)
    tick(event.seq)
  }
  tick.done()
  if (opts.out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
  return opts.verify && opts.conv ? verifyConversation(opts.conv, head!, kept) : null
}

function write(out: Writable, text: string): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', () => resolve()))
}

function csvLine(e: SeqlineEvent): string {
  const cells = [e.conv, e.seq, e.at, e.type, e.actor, e.cmd, e.v, JSON.stringify(e.data)]
  return `${cells.map((c) => csvCell(String(c))).join(',')}\n`
}

/** RFC 4180: quote when needed, double the quotes inside. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

export function describeVerification(v: Verification): string {
  const lines = [
    `${v.conv}: head ${v.head}, ${v.events} events stored, ${v.tombstones.length} tombstone(s), ${v.erased.length} erased seq(s)`,
    ...v.tombstones.map((t) => `  tombstone at ${t.seq}: ${t.how} ${t.target}${t.edits.length ? ` and its edits ${t.edits.join(', ')}` : ''}`),
  ]
  if (v.gaps.length) lines.push(`  GAP: seqs missing with no tombstone: ${v.gaps.join(', ')}`)
  if (v.disorder.length) lines.push(`  DISORDER: seqs repeated or out of order: ${v.disorder.join(', ')}`)
  lines.push(v.ok ? '  verified: seq is dense' : '  NOT VERIFIED')
  return lines.join('\n')
}
