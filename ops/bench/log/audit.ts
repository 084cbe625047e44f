// Audit benchmark: a conversation of N chained events exported from the live
// log to an NDJSON file, and that file verified offline (seq and hash chain),
// each in events/s beside ceilings measured in the same run: the log read
// alone, and for the verifier, reading the same file with a JSON.parse of each
// line, and a plain sha256 of each line.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { headers } from '@nats-io/transport-node'
import { chainFor, conversationAudit, conversationEvents, eventHash, type JetStreamLog, SEQ_HEADER, subjectOf } from '../../../core/log/index.js'
import { EVENT_VERSION, type SeqlineEvent } from '../../../schemas/index.js'
import { verifyFile } from '../../cli/index.js'
import { fmt, pipelined } from '../shared/stats.js'

export interface AuditRow {
  step: string
  events: number
  perSecond: number
  /** Against the ceiling of its kind measured in the same run. */
  vsCeiling?: number
}

const TEXT = 'x'.repeat(100)

export async function auditBench(log: JetStreamLog, events: number, window: number): Promise<AuditRow[]> {
  const conv = `g_audit${Date.now()}`
  await load(log, conv, events, window)
  const dir = await mkdtemp(join(tmpdir(), 'seqline-audit-'))
  try {
    const file = join(dir, 'audit.ndjson')
    const read = await timed('ceiling: log read, no file', events, () => readOnly(log, conv, events))
    const exported = await timed('export to NDJSON (with chain lines)', events, () => exportTo(log, conv, events, file))
    const parse = await timed('ceiling: file read + JSON.parse per line', events, () => eachLine(file, (line) => JSON.parse(line)))
    const hash = await timed('ceiling: file read + sha256 per line', events, () => eachLine(file, (line) => createHash('sha256').update(line).digest('hex')))
    const verified = await timed('seqline verify <file>', events, async () => {
      const v = await verifyFile(file)
      if (!v.ok) throw new Error(`the benchmark's own export does not verify: ${JSON.stringify(v.firstBad)}`)
    })
    exported.vsCeiling = exported.perSecond / read.perSecond
    verified.vsCeiling = verified.perSecond / Math.min(parse.perSecond, hash.perSecond)
    const both = { step: 'export + verify (one after the other)', events, perSecond: events / (events / exported.perSecond + events / verified.perSecond) }
    return [read, exported, parse, hash, verified, both]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Setup only, not measured: chained events built as the command handler builds them, published straight to the stream in order. */
async function load(log: JetStreamLog, conv: string, events: number, window: number): Promise<void> {
  const enc = new TextEncoder()
  const bodies: Uint8Array[] = []
  let prev: string | undefined
  for (let seq = 1; seq <= events; seq++) {
    const event = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      type: 'message.sent',
      conv,
      seq,
      at: 1_800_000_000_000 + seq,
      actor: seq % 2 ? 'alice' : 'bob',
      v: EVENT_VERSION['message.sent'],
      cmd: `m${seq}`,
      data: { content: { type: 'text', text: `${TEXT} ${seq}` } },
      chain: chainFor('message.sent', prev),
    } as SeqlineEvent
    prev = eventHash(event)
    bodies.push(enc.encode(JSON.stringify(event)))
  }
  await pipelined(events, window, async (i) => {
    const h = headers()
    h.set(SEQ_HEADER, String(i + 1))
    await log.publishRaw(subjectOf(log.names, conv), bodies[i]!, h)
  })
}

async function timed(step: string, events: number, run: () => Promise<unknown>): Promise<AuditRow> {
  const t = performance.now()
  await run()
  return { step, events, perSecond: events / ((performance.now() - t) / 1000) }
}

async function readOnly(log: JetStreamLog, conv: string, head: number): Promise<void> {
  let n = 0
  for await (const _ of conversationEvents(log, conv, head)) n++
  if (n !== head) throw new Error(`read ${n} of ${head} events`)
}

async function exportTo(log: JetStreamLog, conv: string, head: number, file: string): Promise<void> {
  const out = createWriteStream(file)
  let chunk = ''
  for await (const line of conversationAudit(log, conv, head)) {
    chunk += `${JSON.stringify(line)}\n`
    if (chunk.length < 1 << 20) continue
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    chunk = ''
  }
  await new Promise<void>((resolve, reject) => out.end(chunk, (err?: Error | null) => (err ? reject(err) : resolve())))
}

/** The file's lines, read as verifyFile reads them, each handed to `each`. */
async function eachLine(file: string, each: (line: string) => unknown): Promise<void> {
  let rest = ''
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string)
    let start = 0
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      each(text.slice(start, end))
      start = end + 1
    }
    rest = text.slice(start)
  }
}

export function printAudit(rows: AuditRow[]) {
  console.log('\naudit: one conversation exported from the log to NDJSON, then verified offline (seq and hash chain)')
  console.log('vs ceiling = events/s ÷ the ceiling of its kind in this run (export: the log read alone; verify: the lower file ceiling)\n')
  console.log('step                                          events    events/s  vs ceiling')
  for (const r of rows) {
    const vs = r.vsCeiling === undefined ? '' : fmt(r.vsCeiling)
    console.log(`${r.step.padEnd(42)} ${String(r.events).padStart(9)} ${fmt(r.perSecond, 0).padStart(11)} ${vs.padStart(11)}`)
  }
}
