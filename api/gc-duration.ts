import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks'
import { Histogram, type Registry } from 'prom-client'

/**
 * GC pauses: prom-client's default bounds (1 ms, 10 ms, 100 ms, ...) cannot tell a
 * 2 ms scavenge from a 9 ms one, and scavenges are what a busy API process runs.
 */
const GC_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5]

const KINDS = new Map([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
])

/** One histogram per name in this process, fed by one observer: GC is the process's, however many registries show it. */
const shared = new Map<string, Histogram<'kind'>>()

/**
 * Every GC pause, by kind, as `<prefix>nodejs_gc_duration_seconds` in place of
 * prom-client's. Node hands GC entries to an observer in batches, and
 * prom-client's observer takes only the first of each batch: in a 2 s
 * allocation loop it counted 19 of 27 pauses, so its count and sum understate
 * what GC costs. prom-client's own observer cannot be turned off; it goes on
 * feeding a histogram no registry shows.
 */
export function gcDuration(registry: Registry, prefix: string): void {
  const name = `${prefix}nodejs_gc_duration_seconds`
  registry.removeSingleMetric(name)
  registry.registerMetric(histogramNamed(name))
}

function histogramNamed(name: string): Histogram<'kind'> {
  const known = shared.get(name)
  if (known) return known
  const histogram = new Histogram({
    name,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'] as const,
    buckets: GC_SECONDS,
    registers: [],
  })
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) histogram.observe({ kind: kindOf(entry) }, entry.duration / 1000)
  })
  observer.observe({ entryTypes: ['gc'] })
  shared.set(name, histogram)
  return histogram
}

function kindOf(entry: PerformanceEntry): string {
  const kind = (entry as { detail?: { kind?: number } }).detail?.kind
  return (kind !== undefined && KINDS.get(kind)) || 'unknown'
}
