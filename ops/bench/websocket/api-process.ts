// The WebSocket benchmark's server side in a process of its own, so its CPU
// and event loop are not shared with the benchmark's clients. Its role
// (server.ts) says what it runs: the API and the conversations projection
// (`--ws-api child`), or the API alone or the projection alone (with
// `--ws-projection child`, each has a process, so their CPU can be told apart).
// Configured by SEQLINE_BENCH_WS (JSON: role, servers, log names, bucket, secrets);
// answers one request line at a time on stdin:
//   (start)   READY <url>          the API's URL (empty for the projection alone)
//   settle    SETTLED              the views reflect the whole log (at once when the projection runs elsewhere)
//   usage     USAGE <json>         cumulative CPU seconds, current and peak RSS, event-loop delay since the last usage
//   gc        USAGE <json>         the same after a full garbage collection (with --expose-gc), for memory at rest
//   stop      STOPPED              everything it runs stopped; then the process exits
// and ERR <message> when anything fails.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { connect } from '@nats-io/transport-node'
import { type LogNames, openJetStreamLog } from '../../../core/log/index.js'
import type { Secrets } from './api.js'
import { type ServerRole, startBenchServer } from './server.js'

export interface ChildConfig {
  role: ServerRole
  servers: string
  names: LogNames
  bucket: string
  secrets: Secrets
}

export interface ChildUsage {
  cpuSeconds: number
  rssMb: number
  maxRssMb: number
  heapUsedMb: number
  /** Event-loop delay since the previous usage request, ms (the monitor's interval taken off). */
  loopDelay: { p50: number; p99: number; max: number }
}

const config = JSON.parse(process.env.SEQLINE_BENCH_WS ?? 'null') as ChildConfig | null
if (!config) {
  console.error('SEQLINE_BENCH_WS is not set: this process is started by ops/bench/websocket/stack.ts')
  process.exit(2)
}

const say = (line: string) => process.stdout.write(`${line}\n`)
const LOOP_RESOLUTION_MS = 5
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
loop.enable()

try {
  const nc = await connect({ servers: config.servers, noAsyncTraces: true })
  const log = await openJetStreamLog(nc, { names: config.names })
  const server = await startBenchServer(config.role, nc, log, config.bucket, config.secrets)
  say(`READY ${server.url}`)
  const requests = createInterface({ input: process.stdin })
  for await (const line of requests) {
    if (line === 'settle') await server.settle().then(() => say('SETTLED'))
    else if (line === 'usage') say(`USAGE ${JSON.stringify(usage())}`)
    else if (line === 'gc') say(`USAGE ${JSON.stringify(collected())}`)
    else if (line === 'stop') break
    else say(`ERR unknown request ${JSON.stringify(line)}`)
  }
  // A closed stdin (the parent is gone) stops the process as cleanly as a `stop`.
  await server.stop()
  log.close()
  await nc.close()
  say('STOPPED')
  process.exit(0)
} catch (err) {
  say(`ERR ${(err as Error).message.replace(/\n/g, ' ')}`)
  process.exit(1)
}

/** Usage after full collections (twice: the first can leave work a second one frees), when gc is exposed. */
function collected(): ChildUsage {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  return usage()
}

function usage(): ChildUsage {
  const cpu = process.cpuUsage()
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS)
  const loopDelay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) }
  loop.reset()
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssMb: process.memoryUsage.rss() / 2 ** 20,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    loopDelay,
  }
}
