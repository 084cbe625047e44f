// Audit benchmark: a conversation of N chained events exported from the live
// log to an NDJSON file, and that file verified offline (seq and hash chain),
// each in events/s beside ceilings measured in the same run: the log read
// alone, and for the verifier, reading the same file with a JSON.parse of each
// line, and a plain sha256 of each line. Last, `export --verify` as the CLI
// runs it: the export's bytes verified on a second thread as they are written.
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jetstream } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/transport-node'
import { chainFor, conversationEvents, eventHash, type JetStreamLog, SEQ_HEADER, streamName, subjectOf } from '../../../core/log/index.js'
import { EVENT_VERSION, type SeqlineEvent } from '../../../schemas/index.js'
import { eachLine, exportEvents, verifyFile } from '../../cli/index.js'
import { fmt, pipelined } from '../shared/stats.js'

export interface AuditRow {
  step: string
  events: number
  perSecond: number
  /** Against the ceiling of its kind measured in the same run. */
  vsCeiling?: number
  /** CPU time of this process (all its threads; not nats-server's) per event, in µs: steadier than events/s on a busy machine. */
  cpuMicros?: number
}

const TEXT = 'x'.repeat(100)

export async function auditBench(nc: NatsConnection, log: JetStreamLog, events: number, window: number): Promise<AuditRow[]> {
  const conv = `g_audit${Date.now()}`
  await load(log, conv, events, window)
  const dir = await mkdtemp(join(tmpdir(), 'seqline-audit-'))
  try {
    const file = join(dir, 'audit.ndjson')
    const raw = await timed('ceiling: bare ordered consumer, no decode', events, () => rawRead(nc, log, conv, events))
    const read = await timed('log read (scan + decode), no file', events, () => readOnly(log, conv, events))
    const exported = await timed('export to NDJSON (with chain lines)', events, () => exportTo(log, conv, file))
    const parse = await timed('ceiling: file read + JSON.parse per line', events, () => eachLine(file, (line) => JSON.parse(line)))
    const hash = await timed('ceiling: file read + sha256 per line', events, () => eachLine(file, (line) => createHash('sha256').update(line).digest('hex')))
    const verified = await timed('seqline verify <file>', events, async () => {
      const v = await verifyFile(file)
      if (!v.ok) throw new Error(`the benchmark's own export does not verify: ${JSON.stringify(v.firstBad)}`)
    })
    const live = await timed('export --verify (verified beside, 2 threads)', events, () => exportVerified(log, conv, join(dir, 'verified.ndjson'), events))
    read.vsCeiling = read.perSecond / raw.perSecond
    live.vsCeiling = live.perSecond / raw.perSecond
    exported.vsCeiling = exported.perSecond / raw.perSecond
    verified.vsCeiling = verified.perSecond / Math.min(parse.perSecond, hash.perSecond)
    const both = { step: 'export + verify (one after the other)', events, perSecond: events / (events / exported.perSecond + events / verified.perSecond) }
    return [raw, read, exported, parse, hash, verified, both, live]
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
  const cpu = process.cpuUsage()
  await run()
  const used = process.cpuUsage(cpu)
  return { step, events, perSecond: events / ((performance.now() - t) / 1000), cpuMicros: (used.user + used.system) / events }
}

/** The ceiling of any read of the log: the conversation's messages through one ordered consumer in pulls of 10,000, counted, nothing decoded. */
async function rawRead(nc: NatsConnection, log: JetStreamLog, conv: string, head: number): Promise<void> {
  const stream = streamName(log.names, log.partitionOf(conv))
  const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: subjectOf(log.names, conv) })
  let n = 0
  try {
    while (n < head) {
      for await (const m of await consumer.fetch({ max_messages: 10_000, expires: 5_000 })) {
        n++
        if (m.info.pending === 0) break
      }
    }
  } finally {
    await consumer.delete().catch(() => undefined)
  }
}

async function readOnly(log: JetStreamLog, conv: string, head: number): Promise<void> {
  let n = 0
  for await (const _ of conversationEvents(log, conv, head)) n++
  if (n !== head) throw new Error(`read ${n} of ${head} events`)
}

/** As `seqline export --conv <id> --out <file>` writes it. */
async function exportTo(log: JetStreamLog, conv: string, file: string): Promise<void> {
  await exportEvents(log, { conv, format: 'ndjson', out: file, verify: false })
}

/** As `seqline export --conv <id> --out <file> --verify` runs: the export written and its bytes verified on a second thread as they come. */
async function exportVerified(log: JetStreamLog, conv: string, file: string, head: number): Promise<void> {
  const v = await exportEvents(log, { conv, format: 'ndjson', out: file, verify: true })
  if (!v?.ok || v.events !== head) throw new Error(`the benchmark's own export does not verify: ${JSON.stringify(v?.firstBad ?? v)}`)
}

export function printAudit(rows: AuditRow[]) {
  console.log('\naudit: one conversation exported from the log to NDJSON, then verified offline (seq and hash chain)')
  console.log(
    'vs ceiling = events/s ÷ the ceiling of its kind in this run (log read, export and export --verify: the bare ordered consumer; verify: the lower file ceiling)\n',
  )
  console.log('CPU µs/event: this process, all its threads (not nats-server); with two threads it can exceed the wall time per event\n')
  console.log('step                                            events    events/s  vs ceiling  CPU µs/event')
  for (const r of rows) {
    const vs = r.vsCeiling === undefined ? '' : fmt(r.vsCeiling)
    const cpu = r.cpuMicros === undefined ? '' : fmt(r.cpuMicros, 1)
    console.log(`${r.step.padEnd(44)} ${String(r.events).padStart(9)} ${fmt(r.perSecond, 0).padStart(11)} ${vs.padStart(11)} ${cpu.padStart(13)}`)
  }
}
