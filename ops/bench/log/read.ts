// Range-read benchmark: pulls of 100 events at several depths of one
// 1,000,000-event conversation that shares its stream with another, beside the
// raw cost of the same pull from an already known stream position.
import { DeliverPolicy, jetstream } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/transport-node'
import { type JetStreamLog, partitionOf, SEQ_HEADER, subjectOf } from '../../../core/log/index.js'
import { fmt, percentiles, pipelined } from '../shared/stats.js'

export interface ReadRow {
  position: string
  from: number
  p50: number
  p99: number
  lookups: number
}

const PULL = 100
const REPEAT = 30

export async function readBench(nc: NatsConnection, log: JetStreamLog, events: number, window: number): Promise<{ rows: ReadRow[]; loadSeconds: number }> {
  const conv = `g_deep${Date.now()}`
  const noise = samePartition(log, conv)
  const loadSeconds = await bulkLoad(log, conv, noise, events, window)
  const positions: Array<[string, number]> = [
    ['start', 1],
    ['quarter', Math.floor(events / 4)],
    ['middle', Math.floor(events / 2)],
    ['three quarters', Math.floor((events * 3) / 4)],
    ['near head', events - PULL + 1],
  ]
  const rows: ReadRow[] = [await rawPull(nc, log, conv)]
  for (const [position, from] of positions) rows.push(await timedPulls(log, conv, position, from))
  return { rows, loadSeconds }
}

/** Setup only, not measured: writes events straight to the stream, alternating with another conversation. */
async function bulkLoad(log: JetStreamLog, conv: string, noise: string, events: number, window: number): Promise<number> {
  const enc = new TextEncoder()
  const t = performance.now()
  await pipelined(events * 2, window, async (i) => {
    const c = i % 2 ? noise : conv
    const seq = Math.floor(i / 2) + 1
    const h = headers()
    h.set(SEQ_HEADER, String(seq))
    const event = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      type: 'message.sent',
      conv: c,
      seq,
      at: 0,
      actor: 'alice',
      v: 1,
      cmd: `m${seq}`,
      data: { content: { type: 'text', text: 'deep' } },
    }
    await log.publishRaw(subjectOf(log.names, c), enc.encode(JSON.stringify(event)), h)
  })
  return (performance.now() - t) / 1000
}

async function timedPulls(log: JetStreamLog, conv: string, position: string, from: number): Promise<ReadRow> {
  const times: number[] = []
  let lookups = 0
  for (let r = 0; r < REPEAT; r++) {
    // The log counts its own lookups, wherever it makes them.
    log.readStats.reset()
    const t = performance.now()
    const got = await log.read(conv, { from, limit: PULL })
    times.push(performance.now() - t)
    lookups = log.readStats.directGets
    if (got.length !== PULL || got[0]!.event.seq !== from) throw new Error(`pull at ${from} returned ${got.length} events`)
  }
  const p = percentiles(times)
  return { position, from, p50: p.p50, p99: p.p99, lookups }
}

/** The ceiling: the same pull when the stream position is already known (no locating, no head lookup). */
async function rawPull(nc: NatsConnection, log: JetStreamLog, conv: string): Promise<ReadRow> {
  const js = jetstream(nc)
  const start = (await log.head(conv)).streamSeq - 2 * (PULL - 1)
  const times: number[] = []
  for (let r = 0; r < REPEAT; r++) {
    const t = performance.now()
    const consumer = await js.consumers.get(log.streamOf(conv), {
      filter_subjects: subjectOf(log.names, conv),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: start,
    })
    const messages = await consumer.consume({ max_messages: PULL })
    let n = 0
    for await (const _m of messages) if (++n >= PULL) break
    messages.stop()
    await consumer.delete().catch(() => undefined)
    times.push(performance.now() - t)
  }
  const p = percentiles(times)
  return { position: 'raw: known stream position', from: NaN, p50: p.p50, p99: p.p99, lookups: 0 }
}

function samePartition(log: JetStreamLog, conv: string): string {
  for (let i = 0; ; i++) {
    const other = `g_noise${i}`
    if (partitionOf(other, log.partitions) === partitionOf(conv, log.partitions)) return other
  }
}

export function printRead(rows: ReadRow[], events: number, loadSeconds: number) {
  console.log(`\nrange reads: ${PULL} events per pull, ${REPEAT} pulls each, conversation of ${events.toLocaleString('en')} events`)
  console.log(`interleaved with another conversation in the same stream (${(2 * events).toLocaleString('en')} messages, loaded in ${fmt(loadSeconds, 1)} s)\n`)
  console.log('position                         from seq   p50 ms   p99 ms  direct gets')
  for (const r of rows) {
    console.log(
      `${r.position.padEnd(30)} ${(Number.isNaN(r.from) ? '' : String(r.from)).padStart(10)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)} ${String(r.lookups).padStart(12)}`,
    )
  }
}
