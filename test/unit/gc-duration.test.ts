// The GC histogram on /metrics counts every pause Node reports, batched ones included.
import assert from 'node:assert/strict'
import { PerformanceObserver } from 'node:perf_hooks'
import { test } from 'node:test'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { gcDuration } from '../../api/gc-duration.js'

const BATCH_TIMEOUT_MS = 20_000

test('every GC pause is counted, also when Node hands several over at once', async () => {
  const registry = new Registry()
  // As processMetrics does: prom-client's defaults, then its GC histogram replaced.
  collectDefaultMetrics({ register: registry, prefix: 't_' })
  gcDuration(registry, 't_')
  // The histogram is the process's: what this test counts is what it adds from here on.
  const before = await countOf(registry)
  let entries = 0
  let batched = false
  const witness = new PerformanceObserver((list) => {
    const n = list.getEntries().length
    entries += n
    if (n > 1) batched = true
  })
  witness.observe({ entryTypes: ['gc'] })
  try {
    // Allocate until Node has handed over a batch of several entries: the case a first-entry-only observer miscounts.
    const deadline = Date.now() + BATCH_TIMEOUT_MS
    let kept: object[] = []
    while (!batched) {
      assert.ok(Date.now() < deadline, `no batch of GC entries in ${BATCH_TIMEOUT_MS} ms`)
      for (let i = 0; i < 200_000; i++) kept.push({ i })
      if (kept.length > 2_000_000) kept = []
      await new Promise((r) => setImmediate(r))
    }
    // Both observers are handed the same entries in the same turn, so their counts agree between turns.
    assert.equal((await countOf(registry)) - before, entries)
    // A second registry shows the same histogram: one observer for the process, however many apps it serves.
    const other = new Registry()
    gcDuration(other, 't_')
    assert.equal(await countOf(other), await countOf(registry))
  } finally {
    witness.disconnect()
  }
})

/** The pauses the GC histogram holds, all kinds together. */
async function countOf(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('t_nodejs_gc_duration_seconds')?.get()
  return (metric?.values ?? [])
    .filter((v) => (v as { metricName?: string }).metricName === 't_nodejs_gc_duration_seconds_count')
    .reduce((sum, v) => sum + v.value, 0)
}
