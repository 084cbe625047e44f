// Histograms of the Seqline process's /metrics, read between two scrapes: what
// was observed during a step. Bucket resolution: a percentile is the upper
// bound of the bucket it falls in.

/** One series of a histogram: cumulative counts by upper bound (seconds; +Inf last), and the sum of what was observed (seconds). */
export interface Histogram {
  buckets: Array<[number, number]>
  sum: number
}

/**
 * The series of histogram `name` whose labels (besides `le`) equal `labels`,
 * or undefined from a build without it.
 */
export function histogramOf(metrics: string, name: string, labels: Record<string, string> = {}): Histogram | undefined {
  const buckets: Array<[number, number]> = []
  let sum: number | undefined
  for (const line of metrics.split('\n')) {
    const parsed = parseLine(line)
    if (!parsed || !matches(parsed.labels, labels)) continue
    if (parsed.name === `${name}_bucket`) {
      const le = parsed.labels.le!
      buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), parsed.value])
    }
    if (parsed.name === `${name}_sum`) sum = parsed.value
  }
  return buckets.length > 0 && sum !== undefined ? { buckets, sum } : undefined
}

export interface Observed {
  count: number
  /** Sum of what was observed, ms. */
  sumMs: number
  /** Upper bounds of the buckets the percentiles fall in, ms: Infinity past the last bound (null in load.json). */
  p50: number
  p99: number
}

/** What was observed between two scrapes of one series; undefined when nothing was, or either scrape lacks it. */
export function observedBetween(before: Histogram | undefined, after: Histogram | undefined): Observed | undefined {
  if (!before || !after || before.buckets.length !== after.buckets.length) return undefined
  const counts = after.buckets.map(([le, n], i) => [le, n - before.buckets[i]![1]] as const)
  const count = counts[counts.length - 1]![1]
  if (count === 0) return undefined
  const at = (q: number) => (counts.find(([, n]) => n >= q * count)?.[0] ?? Number.POSITIVE_INFINITY) * 1000
  return { count, sumMs: (after.sum - before.sum) * 1000, p50: at(0.5), p99: at(0.99) }
}

/** The share (0–1) of what was observed between two scrapes that exceeded `seconds`, which must be one of the histogram's bounds. */
export function shareAbove(before: Histogram | undefined, after: Histogram | undefined, seconds: number): number | undefined {
  const observed = observedBetween(before, after)
  const at = after?.buckets.findIndex(([le]) => le === seconds) ?? -1
  if (!observed || at < 0) return undefined
  const within = after!.buckets[at]![1] - before!.buckets[at]![1]
  return (observed.count - within) / observed.count
}

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** A sample line of Prometheus text (`name{a="x",b="y"} value`); undefined for comments and blank lines. Label values here hold no quotes or commas. */
function parseLine(line: string): Sample | undefined {
  if (line === '' || line.startsWith('#')) return undefined
  const space = line.lastIndexOf(' ')
  const series = line.slice(0, space)
  const value = Number(line.slice(space + 1))
  const brace = series.indexOf('{')
  if (brace < 0) return { name: series, labels: {}, value }
  const labels: Record<string, string> = {}
  for (const pair of series.slice(brace + 1, -1).split(',')) {
    const eq = pair.indexOf('=')
    labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1)
  }
  return { name: series.slice(0, brace), labels, value }
}

function matches(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => labels[k] === v)
}
