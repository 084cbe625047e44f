// `npm run bench`: the core benchmarks in one run against one real nats-server
// (a fresh local one unless --url is given). Every figure is printed beside a
// ceiling measured in the same run, because these machines are noisy.
// Options: --messages 40000 --window 512 --deep 1000000 --partitions 8 --url nats://...
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { connect } from '@nats-io/transport-node'
import { EventLog } from '../../core/log/event-log.js'
import { startNatsServer } from '../servers/nats-server.js'
import { appendBench, printAppend } from './append.js'
import { printRead, readBench } from './read.js'

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '40000' },
    window: { type: 'string', default: '512' },
    deep: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '8' },
    url: { type: 'string' },
    out: { type: 'string', default: '.bench/core.json' },
  },
})

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
    const append = await appendBench(log, Number(args.messages), window)
    printAppend(append, window)
    const deep = Number(args.deep)
    const read = await readBench(log, deep, window)
    printRead(read.rows, deep, read.loadSeconds)
    log.close()
    await mkdir(join(args.out!, '..'), { recursive: true })
    await writeFile(args.out!, JSON.stringify({ at: new Date().toISOString(), natsServer: version, cores: cpus().length, append, read }, null, 2))
    console.log(`\nresults written to ${args.out}`)
  } finally {
    await nc.close()
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
