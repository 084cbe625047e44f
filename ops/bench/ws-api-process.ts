// The WebSocket benchmark's API in a process of its own (`--ws-api child`),
// so its CPU and event loop are not shared with the benchmark's clients.
// Configured by SEQLINE_BENCH_WS (JSON: servers, log names, bucket, secrets);
// answers one request line at a time on stdin:
//   (start)   READY <url>
//   settle    SETTLED              the views reflect the whole log
//   usage     USAGE <json>         cumulative CPU seconds, current and peak RSS, event-loop delay since the last usage
//   gc        USAGE <json>         the same after a full garbage collection (with --expose-gc), for memory at rest
//   stop      STOPPED              API and projection stopped; then the process exits
// and ERR <message> when anything fails.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { connect } from '@nats-io/transport-node'
import { EventLog } from '../../core/log/event-log.js'
import type { LogNames } from '../../core/log/partitions.js'
import { startBenchApi, type Secrets } from './ws-api.js'

export interface ChildConfig {
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

const config = JSON.parse(process.env['SEQLINE_BENCH_WS'] ?? 'null') as ChildConfig | null
if (!config) {
  console.error('SEQLINE_BENCH_WS is not set: this process is started by ops/bench/ws-stack.ts')
  process.exit(2)
}

const say = (line: string) => process.stdout.write(`${line}\n`)
const LOOP_RESOLUTION_MS = 5
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
loop.enable()

try {
  const nc = await connect({ servers: config.servers, noAsyncTraces: true })
  const log = await EventLog.open(nc, { names: config.names })
  const api = await startBenchApi(log, config.bucket, config.secrets)
  say(`READY ${api.url}`)
  const requests = createInterface({ input: process.stdin })
  for await (const line of requests) {
    if (line === 'settle') await api.settle().then(() => say('SETTLED'))
    else if (line === 'usage') say(`USAGE ${JSON.stringify(usage())}`)
    else if (line === 'gc') say(`USAGE ${JSON.stringify(collected())}`)
    else if (line === 'stop') break
    else say(`ERR unknown request ${JSON.stringify(line)}`)
  }
  // A closed stdin (the parent is gone) stops the process as cleanly as a `stop`.
  await api.stop()
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
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, rssMb: process.memoryUsage.rss() / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024, heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, loopDelay }
}
