// `seqline export`: a conversation, or a time range of the whole log, to NDJSON
// or CSV for audits; `--verify` checks that a conversation's seq is dense and
// its hash chain holds, and lists its tombstones.
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import type { AuditLine, EventLog } from '../../core/log/index.js'
import { ChainVerifier, conversationAudit, conversationAuditNdjson, type ExportVerification, rangeAudit, type Verification } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { progress } from './progress.js'
import { VerifyingThread } from './verify-thread.js'

export interface ExportOptions {
  conv?: string
  since?: number
  until?: number
  format: 'ndjson' | 'csv'
  out?: string
  verify: boolean
}

const CSV_COLUMNS = ['conv', 'seq', 'at', 'type', 'actor', 'cmd', 'v', 'data'] as const

/**
 * Writes the export; returns the verification of a conversation when asked
 * for one. NDJSON carries what an offline verifier needs (the records of
 * erased seqs, the head line); CSV, for spreadsheets, only the events.
 */
export async function exportEvents(log: EventLog, opts: ExportOptions): Promise<Verification | null> {
  const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout
  const head = opts.conv ? (await log.head(opts.conv)).seq : undefined
  if (opts.conv && opts.format === 'ndjson' && opts.since === undefined && opts.until === undefined) {
    const verifier = opts.verify ? new VerifyingThread(opts.conv, head!) : undefined
    try {
      await passThrough(out, conversationAuditNdjson(log, opts.conv, head!), verifier)
      if (opts.out) await closeFile(out)
    } catch (err) {
      // The verifying thread would otherwise keep the process alive.
      await verifier?.stop()
      throw err
    }
    return verifier ? conversationOf(await verifier.finish(), opts.conv) : null
  }
  const source = opts.conv ? conversationAudit(log, opts.conv, head!, opts.since, opts.until) : rangeAudit(log, opts.since ?? 0, opts.until)
  const verifier = opts.verify && opts.conv ? new ChainVerifier(opts.conv) : undefined
  let headHash: string | undefined
  const tick = progress(head)
  if (opts.format === 'csv') await write(out, `${CSV_COLUMNS.join(',')}\n`)
  for await (const line of source) {
    const text = opts.format === 'csv' ? csvLine(line) : `${JSON.stringify(line)}\n`
    if (text) await write(out, text)
    if ('audit' in line && line.audit === 'head') headHash = line.hash
    else if (verifier) verifier.add(line)
    tick(seqOf(line))
  }
  tick.done()
  if (opts.out) await closeFile(out)
  if (!verifier) return null
  // A time range of a conversation is checked inside only: what lies before or after it is not in the export.
  if (opts.since !== undefined || opts.until !== undefined) return verifier.finish()
  return verifier.finish(headHash === undefined ? { seq: head! } : { seq: head!, hash: headHash })
}

/** A whole conversation's NDJSON, written as the log's bytes come (see conversationAuditNdjson), and the same bytes verified beside. */
async function passThrough(out: Writable, chunks: AsyncIterable<Uint8Array>, verifier?: VerifyingThread): Promise<void> {
  for await (const chunk of chunks) {
    await verifier?.feed(chunk)
    await write(out, chunk)
  }
}

/**
 * The conversation's verification out of the file's. A line the verifier
 * could not read is a seq missing from the conversation, so it shows there;
 * any other problem of the file (none is expected from the log) fails it too.
 */
function conversationOf(file: ExportVerification, conv: string): Verification {
  const v = file.conversations.find((c) => c.conv === conv)
  if (!v) throw new Error(`the verification of ${conv} is missing`)
  if (file.ok || !v.ok) return v
  return { ...v, ...(file.firstBad ? { firstBad: file.firstBad } : {}), ok: false }
}

function closeFile(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
}

function write(out: Writable, text: string | Uint8Array): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', () => resolve()))
}

const seqOf = (line: AuditLine) => ('audit' in line ? (line.audit === 'head' ? line.seq : line.link.seq) : line.seq)

function csvLine(line: AuditLine): string {
  if ('audit' in line) return ''
  const e: SeqlineEvent = line
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
  if (v.chain.preChain) lines.push(`  pre-chain: ${v.chain.preChain} event(s) written before the hash chain existed (not verified by it)`)
  if (v.chain.startsAt !== undefined) lines.push(`  chain: ${v.chain.linked} link(s) from seq ${v.chain.startsAt}`)
  if (v.chain.headHash) lines.push(`  head ${v.head} hash ${v.chain.headHash}`)
  if (v.gaps.length) lines.push(`  GAP: seqs missing with no tombstone: ${v.gaps.join(', ')}`)
  if (v.disorder.length) lines.push(`  DISORDER: seqs repeated or out of order: ${v.disorder.join(', ')}`)
  for (const b of v.chain.breaks) lines.push(`  CHAIN BROKEN at seq ${b.seq}${b.line === undefined ? '' : ` (line ${b.line})`}: ${b.reason}`)
  if (v.firstBad) lines.push(`  first bad seq: ${v.firstBad.seq}${v.firstBad.line === undefined ? '' : ` (line ${v.firstBad.line})`}: ${v.firstBad.reason}`)
  lines.push(v.ok ? `  verified: seq is dense${v.chain.linked ? ' and the hash chain holds' : ''}` : '  NOT VERIFIED')
  return lines.join('\n')
}
