// The server's own part of the delivery time, read from the Seqline process's
// /metrics: `seqline_ws_delivery_lag_seconds`, from each event's decision to
// the hub handing it to sockets. Beside the clients' send→delivery it tells
// the time spent in the server (queue before the decision aside) from the
// time spent on the wire and in the clients. Bucket resolution: a percentile
// is the upper bound of the bucket it falls in.

const SERIES = 'seqline_ws_delivery_lag_seconds_bucket{le="'

/** Cumulative counts by upper bound (seconds; +Inf last), or null from a build without the metric. */
export type LagBuckets = Array<[number, number]> | null

/** The delivery lag's buckets in a /metrics text. */
export function hubLagOf(metrics: string): LagBuckets {
  const buckets: Array<[number, number]> = []
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(SERIES)) continue
    const close = line.indexOf('"', SERIES.length)
    const le = line.slice(SERIES.length, close)
    buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(line.slice(line.lastIndexOf(' ') + 1))])
  }
  return buckets.length > 0 ? buckets : null
}

export interface HubLag {
  events: number
  /** Upper bounds of the buckets the percentiles fall in, ms: Infinity past the last bound (null in load.json). */
  p50: number
  p99: number
}

/** The percentiles of what was observed between two scrapes. */
export function hubLagBetween(before: LagBuckets, after: LagBuckets): HubLag | undefined {
  if (!before || !after || before.length !== after.length) return undefined
  const counts = after.map(([le, n], i) => [le, n - before[i]![1]] as const)
  const events = counts[counts.length - 1]![1]
  if (events === 0) return undefined
  const at = (q: number) => (counts.find(([, n]) => n >= q * events)?.[0] ?? Number.POSITIVE_INFINITY) * 1000
  return { events, p50: at(0.5), p99: at(0.99) }
}
