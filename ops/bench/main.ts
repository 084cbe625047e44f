// `npm run bench`: the core benchmarks in one run against one real nats-server
// (a fresh local one unless --url is given). Every figure is printed beside a
// ceiling measured in the same run, because these machines are noisy.
// Options: --messages 40000 --window 512 --deep 1000000 --partitions 8 --url nats://...
//          --only all|append|read|projections (or a comma-separated list; default all)
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { connect } from '@nats-io/transport-node'
import { EventLog } from '../../core/log/event-log.js'
import { startNatsServer } from '../servers/nats-server.js'
import { appendBench, printAppend } from './append.js'
import { printProjections, projectionsBench } from './projections.js'
import { printRead, readBench } from './read.js'

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '40000' },
    window: { type: 'string', default: '512' },
    deep: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '8' },
    url: { type: 'string' },
    out: { type: 'string', default: '.bench/core.json' },
    only: { type: 'string', default: 'all' },
  },
})

const PARTS = ['append', 'read', 'projections'] as const
const only = new Set(args.only === 'all' ? PARTS : args.only!.split(',').map((s) => s.trim()))
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only ${part}: expected one of ${PARTS.join(', ')}`)

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'seqline-bench-'))
  const server = args.url ? null : await startNatsServer({ storeDir: join(dir, 'store') })
  const url = args.url ?? server!.url
  // No async stack captures: nats.js otherwise allocates an Error per request, on every path alike.
  const nc = await connect({ servers: url, noAsyncTraces: true })
  try {
    const log = await EventLog.open(nc, { names: { partitions: Number(args.partitions), streamPrefix: 'BENCH', subjectPrefix: 'bench' } })
    const version = nc.info?.version ?? '?'
    console.log(`Seqline core benchmarks — ${new Date().toISOString()}`)
    console.log(`${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, nats-server ${version}, ${log.partitions} partitions`)
    const window = Number(args.window)
    const append = only.has('append') ? await appendBench(log, Number(args.messages), window) : undefined
    if (append) printAppend(append, window)
    const deep = Number(args.deep)
    const read = only.has('read') ? await readBench(log, deep, window) : undefined
    if (read) printRead(read.rows, deep, read.loadSeconds)
    log.close()
    const projections = only.has('projections')
      ? await projectionsBench(nc, { events: Number(args.messages), window, partitions: Number(args.partitions) })
      : undefined
    if (projections) printProjections(projections, window)
    await mkdir(join(args.out!, '..'), { recursive: true })
    await writeFile(args.out!, JSON.stringify({ at: new Date().toISOString(), natsServer: version, cores: cpus().length, append, read, projections }, null, 2))
    console.log(`\nresults written to ${args.out}`)
  } finally {
    await nc.close()
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
