// The load benchmark reads histograms of the Seqline process's /metrics between two scrapes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { histogramOf, observedBetween, shareAbove } from '../../ops/bench/load/server-histograms.js'

/** Prometheus text of a histogram `t_seconds` with bounds 1 ms, 10 ms, 100 ms and a series per label `kind`. */
function scrape(minor: [number, number, number, number], sum: number): string {
  const [a, b, c, all] = minor
  return [
    '# HELP t_seconds test',
    '# TYPE t_seconds histogram',
    `t_seconds_bucket{le="0.001",kind="minor"} ${a}`,
    `t_seconds_bucket{le="0.01",kind="minor"} ${b}`,
    `t_seconds_bucket{le="0.1",kind="minor"} ${c}`,
    `t_seconds_bucket{le="+Inf",kind="minor"} ${all}`,
    `t_seconds_sum{kind="minor"} ${sum}`,
    `t_seconds_count{kind="minor"} ${all}`,
    't_seconds_bucket{le="0.001",kind="major"} 7',
    't_seconds_bucket{le="0.01",kind="major"} 7',
    't_seconds_bucket{le="0.1",kind="major"} 7',
    't_seconds_bucket{le="+Inf",kind="major"} 7',
    't_seconds_sum{kind="major"} 99',
    't_seconds_count{kind="major"} 7',
    't_other_bucket{le="+Inf"} 3',
  ].join('\n')
}

test('a series is read by its labels, and what it observed between two scrapes by bucket bounds', () => {
  const before = histogramOf(scrape([10, 20, 30, 30], 1), 't_seconds', { kind: 'minor' })
  assert.deepEqual(before, {
    buckets: [
      [0.001, 10],
      [0.01, 20],
      [0.1, 30],
      [Number.POSITIVE_INFINITY, 30],
    ],
    sum: 1,
  })
  // 100 more: 50 within 1 ms, 48 within 10 ms, 1 within 100 ms, 1 beyond.
  const after = histogramOf(scrape([60, 118, 129, 130], 1.5), 't_seconds', { kind: 'minor' })
  assert.deepEqual(observedBetween(before, after), { count: 100, sumMs: 500, p50: 1, p99: 100 })
  assert.equal(shareAbove(before, after, 0.001), 0.5)
  assert.equal(shareAbove(before, after, 0.1), 0.01)
  assert.equal(shareAbove(before, after, 0.5), undefined, 'not a bound of the histogram')
  const beyond = histogramOf(scrape([60, 118, 129, 132], 2), 't_seconds', { kind: 'minor' })
  assert.equal(observedBetween(after, beyond)?.p99, Number.POSITIVE_INFINITY, 'past the last bound')
})

test('nothing observed, or a build without the metric, reads as undefined', () => {
  const text = scrape([1, 1, 1, 1], 0)
  const h = histogramOf(text, 't_seconds', { kind: 'minor' })
  assert.equal(observedBetween(h, h), undefined)
  assert.equal(histogramOf(text, 't_missing'), undefined)
  assert.equal(observedBetween(undefined, h), undefined)
})
