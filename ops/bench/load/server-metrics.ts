// What the Seqline process says of a step in its /metrics: the delivery lag's
// buckets (hub-lag.ts) and how late its event loop ran. prom-client's
// event-loop gauges cover the time since the previous scrape (it resets its
// histogram on each), so a scrape just before a step starts them afresh.
import { hubLagOf, type LagBuckets } from './hub-lag.js'

export interface LoopDelay {
  /** ms, over the time since the previous scrape. */
  p99: number
  max: number
}

export interface ServerScrape {
  lag: LagBuckets
  loop?: LoopDelay
}

const LOOP_P99 = 'seqline_nodejs_eventloop_lag_p99_seconds'
const LOOP_MAX = 'seqline_nodejs_eventloop_lag_max_seconds'

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
  return { lag: hubLagOf(text), ...(p99 !== undefined && max !== undefined ? { loop: { p99: p99 * 1000, max: max * 1000 } } : {}) }
}

function gaugeOf(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}
