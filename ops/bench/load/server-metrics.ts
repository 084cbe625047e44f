// What the Seqline process says of a step in its /metrics: its histograms
// (server-histograms.ts) and how late its event loop ran. prom-client's
// event-loop gauges cover the time since the previous scrape (it resets its
// histogram on each), so a scrape just before a step starts them afresh.
import { type Histogram, histogramOf } from './server-histograms.js'

export interface LoopDelay {
  /** ms later than due, over the time since the previous scrape. */
  p99: number
  max: number
}

export interface ServerScrape {
  /** From each event's decision to its hand-over to sockets. */
  lag?: Histogram
  /** From a command frame's arrival to its ack going to the socket. */
  frameToAck?: Histogram
  /** Each command's wait for the commands of its conversation before it. */
  turnWait?: Histogram
  /** Minor GC (scavenge) pauses. */
  gcMinor?: Histogram
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
  return {
    lag: histogramOf(text, 'seqline_ws_delivery_lag_seconds'),
    frameToAck: histogramOf(text, 'seqline_ws_command_duration_seconds', { answer: 'ack' }),
    turnWait: histogramOf(text, 'seqline_command_turn_wait_seconds'),
    gcMinor: countsEveryPause(histogramOf(text, 'seqline_nodejs_gc_duration_seconds', { kind: 'minor' })),
    ...(p99 !== undefined && max !== undefined ? { loop: { p99: lateMs(p99), max: lateMs(max) } } : {}),
  }
}

/**
 * A build from before stop 36 exposes prom-client's GC histogram under the same name: it misses
 * pauses and its buckets start at 1 ms, so it is no figure to set beside this build's. Ours starts at 0.5 ms.
 */
function countsEveryPause(gc: Histogram | undefined): Histogram | undefined {
  return gc?.buckets[0]?.[0] === 0.0005 ? gc : undefined
}

const lateMs = (seconds: number) => Math.max(0, seconds * 1000 - PROM_CLIENT_RESOLUTION_MS)

function gaugeOf(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}
