// One timed load step of the WebSocket benchmark on the connections already
// open: the paced load, its latency distribution and throughput series, and
// the CPU and memory each process spent on it.
import { cpuSecondsOf, rssMbOf, sampleUsage } from '../shared/process-usage.js'
import { percentiles } from '../shared/stats.js'
import type { ChildUsage } from './api-process.js'
import type { ClientPool } from './clients.js'
import { sustainedLoad } from './load.js'
import type { WsOptions, WsStep } from './result.js'
import type { WsStack } from './stack.js'
import type { Topology } from './topology.js'

const SERIES_BIN_MS = 250
const NATS_RSS_EVERY_MS = 500

/** One timed load step at `rate`, with what it cost each process. */
export async function step(pool: ClientPool, t: Topology, stack: WsStack, opts: WsOptions, rate: number, prefix: string): Promise<WsStep> {
  const natsBefore = await cpuSecondsOf(opts.natsPid)
  const apiBefore = await stack.usage()
  const projectionBefore = await stack.projectionUsage()
  const usage = sampleUsage()
  let natsRssMb = 0
  const natsRss = setInterval(() => void rssMbOf(opts.natsPid).then((mb) => void (natsRssMb = Math.max(natsRssMb, mb ?? 0))), NATS_RSS_EVERY_MS)
  const load = await sustainedLoad(pool, t, rate, opts.seconds, prefix)
  clearInterval(natsRss)
  const bench = usage.stop()
  const apiAfter = await stack.usage()
  const projectionAfter = await stack.projectionUsage()
  const natsAfter = await cpuSecondsOf(opts.natsPid)
  const l = load.ledger
  return {
    rate,
    apiCpuMsPerMessage: apiBefore && apiAfter && l.ackMs.length > 0 ? ((apiAfter.cpuSeconds - apiBefore.cpuSeconds) * 1000) / l.ackMs.length : undefined,
    load: {
      seconds: load.seconds,
      drainSeconds: load.drainSeconds,
      ackedPerSecond: l.ackMs.length / load.seconds,
      recipientDeliveries: l.recipientDeliveries,
      deliveriesPerSecond: l.recipientDeliveries / ((l.lastDeliveryAt - l.firstAt) / 1000),
      ack: percentiles(l.ackMs),
      delivery: percentiles(l.deliveryMs),
      verdict: l.verdict(),
    },
    usage: {
      bench,
      ...apiShare(apiBefore, apiAfter, bench.seconds),
      ...projectionShare(projectionBefore, projectionAfter, bench.seconds),
      natsCpuPercent: percentOf(natsBefore, natsAfter, bench.seconds),
      natsRssMb: natsRssMb || undefined,
    },
    series: { binMs: SERIES_BIN_MS, acks: binned(l.ackAt, l.firstAt), deliveries: binned(l.deliveryAt, l.firstAt) },
    cdf: cdfOf(l.ackMs, l.deliveryMs),
  }
}

function binned(times: number[], from: number): number[] {
  const bins: number[] = []
  for (const at of times) {
    const b = Math.max(0, Math.floor((at - from) / SERIES_BIN_MS))
    while (bins.length <= b) bins.push(0)
    bins[b]!++
  }
  return bins
}

/** Quantiles dense in the tail: 0..0.9 by 0.01, then 1 - 10^-k subdivided, up to the maximum. */
function cdfOf(ack: number[], delivery: number[]): WsStep['cdf'] {
  const q: number[] = []
  for (let i = 0; i <= 90; i++) q.push(i / 100)
  for (let k = 1; k < 4; k++) for (let j = 1; j <= 9; j++) q.push(1 - 10 ** -k + (j * 10 ** -k) / 10)
  q.push(1)
  const at = (samples: number[]) => {
    const sorted = Float64Array.from(samples).sort()
    return q.map((x) => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? NaN)
  }
  return { q, ackMs: at(ack), deliveryMs: at(delivery) }
}

function apiShare(before: ChildUsage | undefined, after: ChildUsage | undefined, seconds: number) {
  if (!before || !after) return {}
  return {
    apiCpuPercent: percentOf(before.cpuSeconds, after.cpuSeconds, seconds),
    apiRssMb: after.rssMb,
    apiMaxRssMb: after.maxRssMb,
    apiLoopDelay: after.loopDelay,
  }
}

function projectionShare(before: ChildUsage | undefined, after: ChildUsage | undefined, seconds: number) {
  if (!before || !after) return {}
  return { projectionCpuPercent: percentOf(before.cpuSeconds, after.cpuSeconds, seconds), projectionRssMb: after.rssMb, projectionMaxRssMb: after.maxRssMb }
}

function percentOf(before: number | undefined, after: number | undefined, seconds: number): number | undefined {
  return before === undefined || after === undefined ? undefined : ((after - before) / seconds) * 100
}
