import pLimit from 'p-limit'

/** Latency samples in milliseconds, summarised as the percentiles benchmarks print. */
export function percentiles(samples: number[]): { p50: number; p99: number; p999: number; max: number } {
  const sorted = Float64Array.from(samples).sort()
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: sorted[sorted.length - 1] ?? NaN }
}

/** Runs `count` tasks with at most `window` in flight; returns wall time and each task's latency. */
export async function pipelined(count: number, window: number, task: (i: number) => Promise<void>): Promise<{ seconds: number; latencies: number[] }> {
  const latencies = new Array<number>(count)
  const start = performance.now()
  await pLimit(window).map(latencies.keys(), async (i) => {
    const t = performance.now()
    await task(i)
    latencies[i] = performance.now() - t
  })
  return { seconds: (performance.now() - start) / 1000, latencies }
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-')
