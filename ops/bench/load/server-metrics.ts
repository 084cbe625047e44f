// What the Seqline process says of a step in its /metrics: the delivery lag's
// buckets (hub-lag.ts) and how late its event loop ran. prom-client's
// event-loop gauges cover the time since the previous scrape (it resets its
// histogram on each), so a scrape just before a step starts them afresh.
import { hubLagOf, type LagBuckets } from './hub-lag.js'

export interface LoopDelay {
  /** ms later than due, over the time since the previous scrape. */
  p99: number
  max: number
}

export interface ServerScrape {
  lag: LagBuckets
  loop?: LoopDelay
}

const LOOP_P99 = 'seqline_nodejs_eventloop_lag_p99_seconds'
const LOOP_MAX = 'seqline_nodejs_eventloop_lag_max_seconds'
/** prom-client's delay monitor's timer (its default eventLoopMonitoringPrecision): its histogram holds whole intervals, so this is taken off to leave the delay. */
const PROM_CLIENT_RESOLUTION_MS = 10

/** Null when the scrape fails: a process gone mid-step shows in the step's ledger, not as a lost run. */
export async function scrapeServer(url: string): Promise<ServerScrape | null> {
  const res = await fetch(`${url}/metrics`).catch(() => null)
  if (!res?.ok) {
    await res?.body?.cancel()
    return null
  }
  const text = await res.text()
  const p99 = gaugeOf(text, LOOP_P99)
  const max = gaugeOf(text, LOOP_MAX)
  return { lag: hubLagOf(text), ...(p99 !== undefined && max !== undefined ? { loop: { p99: lateMs(p99), max: lateMs(max) } } : {}) }
}

const lateMs = (seconds: number) => Math.max(0, seconds * 1000 - PROM_CLIENT_RESOLUTION_MS)

function gaugeOf(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}
