// `npm run bench`: the core benchmarks in one run against one real nats-server
// (a fresh local one unless --url is given). Every figure is printed beside a
// ceiling measured in the same run, because these machines are noisy.
// Options: --messages 40000 --window 512 --deep 1000000 --partitions 8 --url nats://...
//          --only all|append|read|audit|projections|ws|load|history|hooks|webhooks|channels|reactions|threads|scale|idle (or a comma-separated list; default all, which leaves out scale and idle)
//          load: `seqline up` as `npm start` runs it, on a nats-server of its own, 1,000 WebSocket users (500 direct pairs, 100 groups of 10)
//                --load-rates 500,1000,2000,4000 --load-seconds 15 --load-clients 1000 --load-warmup 2
//                (--load-rates '' runs the REST step alone, no sockets connected)
//                --load-rest-connections 50 --load-rest-seconds 10 --load-profile <dir> (the Seqline process writes a --cpu-prof profile there;
//                the REST step's top self time is printed from it)
//                --load-results <dir> (also write load.json and SVG charts there) --load-baseline <load.json or --out JSON of an earlier run> (drawn beside)
//                --load-cli <another checkout's dist/ops/cli.js> (run that build as the Seqline process: a before/after with the same benchmark)
//                --load-node-flags '<flags>' (node flags of the Seqline process alone, e.g. '--max-semi-space-size=32': the clients keep theirs)
//                --load-order round-robin|shuffled (the clients' turns to send: round-robin over u0, u1, ..., which sends a group's members
//                one after another, or a fixed random order, which spreads them; default round-robin)
//          load, scale and idle: --live log|interest (SEQLINE_LIVE_DELIVERY of the Seqline processes; default log)
//          audit: --audit-events 200000 (one conversation exported and verified)
//          hooks: --hook-sends 2000 (serial sends with and without one before-hook, and bare round trips to it)
//          webhooks: --webhook-batch 1000 (events per POST)
//          reactions: --reactions 20000 (reaction adds over 100 groups, then aggregate reads from the views)
//          threads: --block-sends 1000 (serial direct sends with and without the block check)
//          history: --history-messages 10000000 --history-conversations 100000 --clickhouse-url http://... (default: a local clickhouse-server)
//                   --history-backends both|chdb|server (default both)
//                   --history-data <dir> (keep the chDB history there; a later run over the same
//                   dir and size skips the ingest and measures search only, e.g. on a quieter machine)
//          ws: --clients 200 --ws-rate 2000 (or steps: 1000,2000,5000) --ws-seconds 10 --ws-group 10 --ws-api child|inline
//              --ws-projection same|child (the conversations projection in the API's process, or in a child process of its own)
//              --ws-warmup 2 (untimed, before the first step) --ws-fanout 5000 (fan-out group size; default all clients) --ws-addresses 1 (client source addresses 127.0.0.1..K)
//              --ws-results <dir> (also write ws.json and SVG charts there)
//          channels: --channel-online 10000 (subscribers online for the fan-out) --channel-sizes 1000,10000,100000 --channel-samples 500
//          scale: --scale-apis 1,2,4 (API processes per step) --scale-rate 1000 (msgs/s) --clients 200 --ws-seconds 10 --ws-group 10 --ws-warmup 2
//                 --scale-cli <another build's dist/ops/cli.js> (every role runs that build: a baseline)
//                 (seqline up in roles api, projector and sink; API and sink share a ClickHouse server: --clickhouse-url, or a local one)
//          idle: --idle-rates 1000,4000 --idle-seconds 10 --idle-convs 1000 --idle-profile <dir> --idle-cli <another build's dist/ops/cli.js> (one API process with no socket while
//                the log takes paced commands: its CPU per event; --clickhouse-url or a local ClickHouse server)

import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { connect } from '@nats-io/transport-node'
import { openJetStreamLog } from '../../core/log/index.js'
import { HistoryDb } from '../../projections/history/index.js'
import type { LiveDelivery } from '../../schemas/index.js'
import { startClickHouseServer, startNatsServer } from '../servers/index.js'
import { channelBench, printChannels } from './channel/channel.js'
import { type HistoryBenchOptions, type HistoryBenchResult, historyBench, printHistory } from './history/history.js'
import { hookBench, printHooks } from './hooks/before-hook.js'
import { type LoadOptions, loadBench } from './load/load.js'
import { printLoad } from './load/report.js'
import { readBaseline, writeLoadResults } from './load/results.js'
import { appendBench, printAppend } from './log/append.js'
import { auditBench, printAudit } from './log/audit.js'
import { printRead, readBench } from './log/read.js'
import { printProjections, projectionsBench } from './projection/projections.js'
import { printReactions, reactionBench } from './reactions/reactions.js'
import { idleBench, printIdle } from './scale/idle.js'
import { printScale } from './scale/report.js'
import { scaleBench } from './scale/scale.js'
import { printThreads, threadBench } from './threads/threads.js'
import { printWebhooks, webhookBench } from './webhooks/webhooks.js'
import { wsBench } from './websocket/bench.js'
import { printWs } from './websocket/report.js'
import { writeWsResults } from './websocket/results.js'
import type { SendOrder } from './websocket/send-order.js'

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '40000' },
    window: { type: 'string', default: '512' },
    deep: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '8' },
    url: { type: 'string' },
    out: { type: 'string', default: '.bench/core.json' },
    only: { type: 'string', default: 'all' },
    clients: { type: 'string', default: '200' },
    'ws-rate': { type: 'string', default: '2000' },
    'ws-seconds': { type: 'string', default: '10' },
    'ws-group': { type: 'string', default: '10' },
    'ws-api': { type: 'string', default: 'child' },
    'ws-projection': { type: 'string', default: 'same' },
    'ws-fanout': { type: 'string' },
    'ws-addresses': { type: 'string', default: '1' },
    'ws-warmup': { type: 'string', default: '2' },
    'ws-results': { type: 'string' },
    'audit-events': { type: 'string', default: '200000' },
    'history-messages': { type: 'string', default: '10000000' },
    'history-conversations': { type: 'string', default: '100000' },
    'clickhouse-url': { type: 'string' },
    'history-backends': { type: 'string', default: 'both' },
    'history-data': { type: 'string' },
    'hook-sends': { type: 'string', default: '2000' },
    'webhook-batch': { type: 'string', default: '1000' },
    'channel-online': { type: 'string', default: '10000' },
    'channel-sizes': { type: 'string', default: '1000,10000,100000' },
    'channel-samples': { type: 'string', default: '500' },
    reactions: { type: 'string', default: '20000' },
    'block-sends': { type: 'string', default: '1000' },
    'load-rates': { type: 'string', default: '500,1000,2000,4000' },
    'load-seconds': { type: 'string', default: '15' },
    'load-clients': { type: 'string', default: '1000' },
    'load-warmup': { type: 'string', default: '2' },
    'load-rest-connections': { type: 'string', default: '50' },
    'load-rest-seconds': { type: 'string', default: '10' },
    'load-profile': { type: 'string' },
    'load-results': { type: 'string' },
    'load-baseline': { type: 'string' },
    'load-cli': { type: 'string' },
    'load-node-flags': { type: 'string', default: '' },
    'load-order': { type: 'string', default: 'round-robin' },
    live: { type: 'string', default: 'log' },
    'scale-apis': { type: 'string', default: '1,2,4' },
    'scale-rate': { type: 'string', default: '1000' },
    'scale-cli': { type: 'string' },
    'idle-rates': { type: 'string', default: '1000,4000' },
    'idle-seconds': { type: 'string', default: '10' },
    'idle-convs': { type: 'string', default: '1000' },
    'idle-profile': { type: 'string' },
    'idle-cli': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (args.help) {
  console.log(usage())
  process.exit(0)
}

const PARTS = [
  'append',
  'read',
  'audit',
  'projections',
  'ws',
  'load',
  'history',
  'hooks',
  'webhooks',
  'channels',
  'reactions',
  'threads',
  'scale',
  'idle',
] as const
// `scale` and `idle` start processes and a ClickHouse server of their own: only when asked for.
const only = new Set(args.only === 'all' ? PARTS.filter((p) => p !== 'scale' && p !== 'idle') : args.only!.split(',').map((s) => s.trim()))
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only ${part}: expected one of ${PARTS.join(', ')}`)

async function main() {
  // Read first: a bad path should fail the run before it starts, not after it.
  const baseline = args['load-baseline'] ? await readBaseline(args['load-baseline']) : undefined
  const dir = await mkdtemp(join(tmpdir(), 'seqline-bench-'))
  const server = args.url ? null : await startNatsServer({ storeDir: join(dir, 'store') })
  const url = args.url ?? server!.url
  // No async stack captures: nats.js otherwise allocates an Error per request, on every path alike.
  const nc = await connect({ servers: url, noAsyncTraces: true })
  try {
    const log = await openJetStreamLog(nc, { names: { partitions: Number(args.partitions), streamPrefix: 'BENCH', subjectPrefix: 'bench' } })
    // A server given by --url runs with whatever GOMAXPROCS it was started with.
    const version = `${nc.info?.version ?? '?'}${server ? ` (GOMAXPROCS ${server.goMaxProcs})` : ''}`
    console.log(`Seqline core benchmarks — ${new Date().toISOString()}`)
    console.log(
      `${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, nats-server ${version}, ${log.partitions} partitions`,
    )
    const window = Number(args.window)
    const append = only.has('append') ? await appendBench(nc, log, Number(args.messages), window) : undefined
    if (append) printAppend(append, window)
    const deep = Number(args.deep)
    const read = only.has('read') ? await readBench(nc, log, deep, window) : undefined
    if (read) printRead(read.rows, deep, read.loadSeconds)
    const audit = only.has('audit') ? await auditBench(nc, log, Number(args['audit-events']), window) : undefined
    if (audit) printAudit(audit)
    log.close()
    const projections = only.has('projections')
      ? await projectionsBench(nc, { events: Number(args.messages), window, partitions: Number(args.partitions) })
      : undefined
    if (projections) printProjections(projections, window)
    const webhooks = only.has('webhooks') ? await webhookBench(nc, Number(args.messages), Number(args.partitions), Number(args['webhook-batch'])) : undefined
    if (webhooks) printWebhooks(webhooks)
    const ws = only.has('ws') ? await wsBench(nc, wsOptions(url, window, server?.pid)) : undefined
    if (ws) printWs(ws)
    if (ws && args['ws-results'])
      console.log(
        `\nwebsocket report and charts: ${(await writeWsResults(ws, args['ws-results'], { natsServer: version, argv: process.argv.slice(2) })).join(', ')}`,
      )
    const load = only.has('load') ? await loadBench(dir, loadOptions(window)) : undefined
    if (load) printLoad(load)
    if (load && args['load-results']) {
      console.log(`\nload report and charts: ${(await writeLoadResults(load, args['load-results'], process.argv.slice(2), baseline)).join(', ')}`)
    }
    const history = only.has('history') ? await historyBenches(dir) : undefined
    if (history) printHistory(history)
    const hooks = only.has('hooks') ? await hookBench(nc, Number(args['hook-sends']), Number(args.partitions)) : undefined
    if (hooks) printHooks(hooks)
    const channels = only.has('channels') ? await channelBench(nc, channelOptions(url, window)) : undefined
    if (channels) printChannels(channels)
    const reactions = only.has('reactions') ? await reactionBench(nc, Number(args.reactions), window, Number(args.partitions)) : undefined
    if (reactions) printReactions(reactions, window)
    const threads = only.has('threads') ? await threadBench(nc, Number(args.messages), window, Number(args.partitions), Number(args['block-sends'])) : undefined
    if (threads) printThreads(threads)
    const scale = only.has('scale') ? await scaleBench(nc, scaleOptions(url, window, dir, server?.pid)) : undefined
    if (scale) printScale(scale)
    const idle = only.has('idle') ? await idleBench(nc, idleOptions(url, window, dir)) : undefined
    if (idle) printIdle(idle)
    await mkdir(join(args.out!, '..'), { recursive: true })
    await writeFile(
      args.out!,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          natsServer: version,
          cores: cpus().length,
          append,
          read,
          audit,
          projections,
          ws,
          load,
          history,
          hooks,
          webhooks,
          channels,
          reactions,
          threads,
          scale,
          idle,
        },
        null,
        2,
      ),
    )
    console.log(`\nresults written to ${args.out}`)
  } finally {
    await nc.close()
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

/** The history benchmark on embedded chDB and on a ClickHouse server (a local one unless --clickhouse-url is given), one after the other. */
async function historyBenches(dir: string): Promise<HistoryBenchResult[]> {
  const opts = { messages: Number(args['history-messages']), conversations: Number(args['history-conversations']), reuse: args['history-data'] !== undefined }
  const backends = args['history-backends']
  if (backends !== 'both' && backends !== 'chdb' && backends !== 'server') throw new Error(`--history-backends ${backends}: expected both, chdb or server`)
  const results: HistoryBenchResult[] = []
  if (backends !== 'server') results.push(await chdbHistoryBench(dir, opts))
  if (backends !== 'chdb') results.push(await serverHistoryBench(dir, opts))
  return results
}

async function chdbHistoryBench(dir: string, opts: HistoryBenchOptions): Promise<HistoryBenchResult> {
  const chdb = await HistoryDb.open({ chdbPath: args['history-data'] ?? join(dir, 'chdb'), database: 'bench' })
  try {
    return await historyBench(chdb, 'embedded chDB', opts)
  } finally {
    await chdb.close()
  }
}

async function serverHistoryBench(dir: string, opts: HistoryBenchOptions): Promise<HistoryBenchResult> {
  const local = args['clickhouse-url'] ? null : await startClickHouseServer({ dataDir: join(dir, 'clickhouse') })
  const server = await HistoryDb.open({ url: args['clickhouse-url'] ?? local!.url, database: 'bench' })
  try {
    return await historyBench(server, 'ClickHouse server', opts)
  } finally {
    await server.close()
    await local?.stop()
  }
}

function loadOptions(window: number): LoadOptions {
  const positive = (name: 'load-seconds' | 'load-clients' | 'load-warmup' | 'load-rest-connections' | 'load-rest-seconds') => {
    const value = Number(args[name])
    if (!(value > 0)) throw new Error(`--${name} ${args[name]}: expected a positive number`)
    return value
  }
  // None (`--load-rates ''`): the REST step alone.
  const rates = args['load-rates']!.trim() === '' ? [] : args['load-rates']!.split(',').map(Number)
  if (!rates.every((r) => r > 0))
    throw new Error(`--load-rates ${args['load-rates']}: expected positive numbers, comma-separated (or '' for the REST step alone)`)
  return {
    rates,
    seconds: positive('load-seconds'),
    clients: positive('load-clients'),
    groupSize: 10,
    warmupSeconds: positive('load-warmup'),
    restConnections: positive('load-rest-connections'),
    restSeconds: positive('load-rest-seconds'),
    ceilingMessages: Number(args.messages),
    window,
    profileDir: args['load-profile'],
    cli: args['load-cli'],
    nodeFlags: args['load-node-flags']!.split(' ').filter(Boolean),
    live: liveOption(),
    order: sendOrderOption(),
  }
}

function sendOrderOption(): SendOrder {
  const order = args['load-order']
  if (order !== 'round-robin' && order !== 'shuffled') throw new Error(`--load-order ${order}: expected round-robin or shuffled`)
  return order
}

function liveOption(): LiveDelivery {
  const live = args.live
  if (live !== 'log' && live !== 'interest') throw new Error(`--live ${live}: expected log or interest`)
  return live
}

function wsOptions(url: string, window: number, natsPid: number | undefined) {
  const placement = args['ws-api']
  if (placement !== 'inline' && placement !== 'child') throw new Error(`--ws-api ${placement}: expected inline or child`)
  const projection = args['ws-projection']
  if (projection !== 'same' && projection !== 'child') throw new Error(`--ws-projection ${projection}: expected same or child`)
  const num = (name: 'clients' | 'ws-seconds' | 'ws-group' | 'ws-addresses' | 'ws-warmup') => {
    const value = Number(args[name])
    if (!(value > 0)) throw new Error(`--${name} ${args[name]}: expected a positive number`)
    return value
  }
  const rates = args['ws-rate']!.split(',').map(Number)
  if (!rates.every((r) => r > 0)) throw new Error(`--ws-rate ${args['ws-rate']}: expected positive numbers, comma-separated`)
  const fanoutSize = args['ws-fanout'] === undefined ? undefined : Number(args['ws-fanout'])
  if (fanoutSize !== undefined && !(fanoutSize > 0)) throw new Error(`--ws-fanout ${args['ws-fanout']}: expected a positive number`)
  const options = {
    clients: num('clients'),
    rate: rates[0]!,
    rates,
    seconds: num('ws-seconds'),
    groupSize: num('ws-group'),
    fanoutSize,
    addresses: num('ws-addresses'),
    warmupSeconds: num('ws-warmup'),
  }
  return {
    servers: url,
    ...options,
    partitions: Number(args.partitions),
    placement,
    projection,
    ceilingMessages: Number(args.messages),
    window,
    natsPid,
  } as const
}

function scaleOptions(natsUrl: string, window: number, dir: string, natsPid: number | undefined) {
  const apiCounts = args['scale-apis']!.split(',').map(Number)
  if (!apiCounts.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`--scale-apis ${args['scale-apis']}: expected positive whole numbers, comma-separated`)
  return {
    natsUrl,
    natsPid,
    clickhouseUrl: args['clickhouse-url'],
    dir,
    partitions: Number(args.partitions),
    apiCounts,
    clients: Number(args.clients),
    groupSize: Number(args['ws-group']),
    rate: Number(args['scale-rate']),
    seconds: Number(args['ws-seconds']),
    warmupSeconds: Number(args['ws-warmup']),
    ceilingMessages: Number(args.messages),
    window,
    cli: args['scale-cli'],
    live: liveOption(),
  }
}

function idleOptions(natsUrl: string, window: number, dir: string) {
  const rates = args['idle-rates']!.split(',').map(Number)
  if (!rates.every((r) => r > 0)) throw new Error(`--idle-rates ${args['idle-rates']}: expected positive numbers, comma-separated`)
  const positive = (name: 'idle-seconds' | 'idle-convs') => {
    const value = Number(args[name])
    if (!(value > 0)) throw new Error(`--${name} ${args[name]}: expected a positive number`)
    return value
  }
  return {
    natsUrl,
    clickhouseUrl: args['clickhouse-url'],
    dir,
    partitions: Number(args.partitions),
    rates,
    seconds: positive('idle-seconds'),
    convs: positive('idle-convs'),
    ceilingMessages: Number(args.messages),
    window,
    profileDir: args['idle-profile'],
    cli: args['idle-cli'],
    live: liveOption(),
  }
}

function channelOptions(servers: string, window: number) {
  const sizes = args['channel-sizes']!.split(',').map(Number)
  if (!sizes.every((n) => n > 0)) throw new Error(`--channel-sizes ${args['channel-sizes']}: expected positive numbers, comma-separated`)
  return {
    servers,
    online: Number(args['channel-online']),
    sizes,
    samples: Number(args['channel-samples']),
    partitions: Number(args.partitions),
    ceilingMessages: Number(args.messages),
    window,
  }
}

await main()

/** The options, as this file's opening comment states them (kept in the build). */
function usage(): string {
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
  const head = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('//')),
  )
  return head.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')
}
