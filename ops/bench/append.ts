// Append benchmark: commands through the command handler (validate, decide,
// OCC append) over 1, 100 and 10,000 conversations, each printed beside the
// raw JetStream pipelined-publish ceiling measured in the same run against the
// same server. Usage: npm run bench [-- --messages 50000 --window 512]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { jetstream } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../core/commands/command-handler.js'
import { EventLog } from '../../core/log/event-log.js'
import { subjectOf } from '../../core/log/partitions.js'
import { startNatsServer } from '../servers/nats-server.js'
import { fmt, percentiles, pipelined } from './stats.js'

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '40000' },
    window: { type: 'string', default: '512' },
    partitions: { type: 'string', default: '8' },
    url: { type: 'string' },
  },
})
const MESSAGES = Number(args.messages)
const WINDOW = Number(args.window)
const PARTITIONS = Number(args.partitions)
const TEXT = 'x'.repeat(100)

interface Row {
  scenario: string
  messages: number
  perSecond: number
  ratio?: number
  p50: number
  p99: number
  p999: number
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'seqline-bench-'))
  const server = args.url ? null : await startNatsServer({ storeDir: join(dir, 'store') })
  const url = args.url ?? server!.url
  const nc = await connect({ servers: url })
  try {
    const log = await EventLog.open(nc, { names: { partitions: PARTITIONS, streamPrefix: 'BENCH', subjectPrefix: 'bench' } })
    const rows: Row[] = []
    const ceilingBefore = await rawCeiling(nc, log)
    rows.push(ceilingBefore)
    for (const convs of [1, 100, 10_000]) rows.push(await handlerRun(log, convs))
    const ceilingAfter = await rawCeiling(nc, log)
    rows.push({ ...ceilingAfter, scenario: 'raw publish ceiling (again)' })
    const ceiling = Math.max(ceilingBefore.perSecond, ceilingAfter.perSecond)
    for (const r of rows) if (!r.scenario.startsWith('raw')) r.ratio = r.perSecond / ceiling
    print(rows, url)
  } finally {
    await nc.close()
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

/** Raw JetStream: pipelined js.publish of an event-sized body, no headers, no checks, many subjects. */
async function rawCeiling(nc: NatsConnection, log: EventLog): Promise<Row> {
  const js = jetstream(nc)
  const body = new TextEncoder().encode(JSON.stringify(sampleEvent()))
  const n = MESSAGES
  const { seconds, latencies } = await pipelined(n, WINDOW, async (i) => {
    await js.publish(subjectOf(log.names, `g_raw${i % 10_000}`), body)
  })
  return row('raw publish ceiling', n, seconds, latencies)
}

/** The command path: validate, decide against cached state, append with OCC and a msg id. */
async function handlerRun(log: EventLog, convs: number): Promise<Row> {
  const handler = new CommandHandler(log)
  const runId = Math.random().toString(36).slice(2, 8)
  const conv = (i: number) => `g_b${runId}_${i % convs}`
  await pipelined(convs, WINDOW, async (i) => {
    const r = await handler.execute({ type: 'group.create', id: 'create', conv: conv(i), actor: 'alice', data: { name: 'bench', members: ['bob'] } })
    if (!r.ok) throw new Error(JSON.stringify(r))
  })
  // One conversation is serialized by design (dense seq), so it is bounded by one round trip per message.
  const n = convs === 1 ? Math.min(MESSAGES, 5000) : MESSAGES
  const { seconds, latencies } = await pipelined(n, WINDOW, async (i) => {
    const r = await handler.execute({
      type: 'message.send',
      id: `m${i}`,
      conv: conv(i),
      actor: i % 2 ? 'alice' : 'bob',
      data: { content: { type: 'text', text: TEXT } },
    })
    if (!r.ok) throw new Error(JSON.stringify(r))
  })
  return row(`handler, ${convs.toLocaleString('en')} conversation${convs > 1 ? 's' : ''}`, n, seconds, latencies)
}

function row(scenario: string, messages: number, seconds: number, latencies: number[]): Row {
  const p = percentiles(latencies)
  return { scenario, messages, perSecond: messages / seconds, p50: p.p50, p99: p.p99, p999: p.p999 }
}

function sampleEvent() {
  return {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    type: 'message.sent',
    conv: 'g_bench_0',
    seq: 1,
    at: Date.now(),
    actor: 'alice',
    v: 1,
    cmd: 'm0',
    data: { content: { type: 'text', text: TEXT } },
  }
}

function print(rows: Row[], url: string) {
  console.log(`append benchmark — ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`)
  console.log(`nats ${url}, ${PARTITIONS} partitions, window ${WINDOW} in flight, 100-char text messages\n`)
  console.log('scenario                        messages    msgs/s   ratio   p50 ms   p99 ms  p999 ms')
  for (const r of rows) {
    console.log(
      `${r.scenario.padEnd(30)} ${String(r.messages).padStart(9)} ${fmt(r.perSecond, 0).padStart(9)} ${(r.ratio === undefined ? '' : fmt(r.ratio)).padStart(7)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)} ${fmt(r.p999).padStart(8)}`,
    )
  }
  console.log('\nratio = msgs/s divided by the higher of the two raw ceilings measured in this run')
  console.log(JSON.stringify({ bench: 'append', at: new Date().toISOString(), rows }))
}

await main()
