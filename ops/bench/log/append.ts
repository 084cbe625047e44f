// Append benchmark: commands through the command handler (validate, decide,
// OCC append with a msg id) over 1, 100 and 10,000 conversations, beside two
// raw JetStream pipelined-publish ceilings measured in the same run against
// the same server: nats.js's js.publish, and a bare publish awaiting the
// PubAck on a shared reply subscription (the path append itself uses).

import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import type { EventLog, JetStreamLog } from '../../../core/log/index.js'
import { bareCeiling, clientCeiling } from '../shared/publish-ceilings.js'
import { fmt, percentiles, pipelined } from '../shared/stats.js'

export interface AppendRow {
  scenario: string
  messages: number
  perSecond: number
  p50: number
  p99: number
  p999: number
  /** Against nats.js js.publish, and against the bare publish path. */
  ratioClient?: number
  ratioBare?: number
}

const TEXT = 'x'.repeat(100)

/**
 * Each handler scenario runs between two client-ceiling runs and is compared
 * with the higher of its two neighbours, so drift over the run (a growing
 * store, a busy neighbour on the machine) weighs on both sides alike.
 */
export async function appendBench(nc: NatsConnection, log: JetStreamLog, messages: number, window: number): Promise<AppendRow[]> {
  const rows: AppendRow[] = [await bareRow(log, messages, window)]
  let before = await clientRow(nc, log, messages, window)
  rows.push(before)
  for (const convs of [1, 100, 10_000]) {
    const run = await handlerRun(log, convs, messages, window)
    const after = await clientRow(nc, log, messages, window)
    run.ratioClient = run.perSecond / Math.max(before.perSecond, after.perSecond)
    rows.push(run, after)
    before = after
  }
  const bare = await bareRow(log, messages, window)
  rows.push(bare)
  const bareBest = Math.max(rows[0]!.perSecond, bare.perSecond)
  for (const r of rows) if (r.ratioClient !== undefined) r.ratioBare = r.perSecond / bareBest
  return rows
}

async function clientRow(nc: NatsConnection, log: JetStreamLog, n: number, window: number): Promise<AppendRow> {
  return { scenario: 'raw js.publish (nats.js)', messages: n, ...(await clientCeiling(nc, log, n, window)) }
}

async function bareRow(log: JetStreamLog, n: number, window: number): Promise<AppendRow> {
  return { scenario: 'raw bare publish', messages: n, ...(await bareCeiling(log, n, window)) }
}

async function handlerRun(log: EventLog, convs: number, messages: number, window: number): Promise<AppendRow> {
  const handler = new CommandHandler(log, createDecider())
  const runId = Math.random().toString(36).slice(2, 8)
  const conv = (i: number) => `g_b${runId}_${i % convs}`
  await pipelined(convs, window, async (i) => {
    const r = await handler.execute({ type: 'group.create', id: 'create', conv: conv(i), actor: 'alice', data: { name: 'bench', members: ['bob'] } })
    if (!r.ok) throw new Error(JSON.stringify(r))
  })
  // One conversation is serialized by design (dense seq): one round trip per
  // message whatever the window, so it runs one at a time and its latency is the round trip.
  const n = convs === 1 ? Math.min(messages, 5000) : messages
  const { seconds, latencies } = await pipelined(n, convs === 1 ? 1 : window, async (i) => {
    const r = await handler.execute({
      type: 'message.send',
      id: `m${i}`,
      conv: conv(i),
      actor: i % 2 ? 'alice' : 'bob',
      data: { content: { type: 'text', text: TEXT } },
    })
    if (!r.ok) throw new Error(JSON.stringify(r))
  })
  return row(convs === 1 ? 'handler, 1 conversation (serial)' : `handler, ${convs.toLocaleString('en')} conversations`, n, seconds, latencies)
}

function row(scenario: string, messages: number, seconds: number, latencies: number[]): AppendRow {
  const p = percentiles(latencies)
  return { scenario, messages, perSecond: messages / seconds, p50: p.p50, p99: p.p99, p999: p.p999 }
}

export function printAppend(rows: AppendRow[], window: number) {
  console.log(`\nappends: ${window} commands in flight, 100-character text messages`)
  console.log('vs client = msgs/s ÷ the higher of the js.publish ceilings measured just before and just after it')
  console.log('vs bare   = msgs/s ÷ the higher of the bare-publish ceilings measured first and last\n')
  console.log('scenario                          messages     msgs/s  vs client  vs bare   p50 ms   p99 ms  p999 ms')
  for (const r of rows) {
    const rc = r.ratioClient === undefined ? '' : fmt(r.ratioClient)
    const rb = r.ratioBare === undefined ? '' : fmt(r.ratioBare)
    console.log(
      `${r.scenario.padEnd(32)} ${String(r.messages).padStart(9)} ${fmt(r.perSecond, 0).padStart(10)} ${rc.padStart(10)} ${rb.padStart(8)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)} ${fmt(r.p999).padStart(8)}`,
    )
  }
}
