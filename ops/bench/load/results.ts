// Writes the load benchmark's result into a directory (`--load-results`):
// load.json and two charts, acked msgs/s and send→delivery p99 against the
// paced rate. With a baseline (`--load-baseline`: the load.json, or the
// benchmark's --out JSON, of an earlier run, e.g. before a change) both runs
// are drawn on the same axes, the baseline dashed.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { machine } from '../shared/machine.js'
import { COLORS, gridX, gridY, H, M, niceCeil, polyline, svg, W } from '../shared/svg-chart.js'
import type { LoadResult } from './load.js'

interface Run {
  label: string
  result: LoadResult
  dashed: boolean
}

/** Reads an earlier run's result: a load.json written here, or the benchmark's --out JSON holding `load`. */
export async function readBaseline(file: string): Promise<LoadResult> {
  const json = JSON.parse(await readFile(file, 'utf8')) as { load?: LoadResult }
  if (!json.load?.steps) throw new Error(`--load-baseline ${file}: no load benchmark result in it`)
  return json.load
}

/** Writes load.json, load-throughput.svg and load-latency.svg into `dir`; returns their paths. */
export async function writeLoadResults(
  r: LoadResult,
  dir: string,
  argv: string[],
  baseline?: LoadResult,
  labels: [string, string] = ['this run', 'baseline'],
): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const files = { json: join(dir, 'load.json'), tput: join(dir, 'load-throughput.svg'), p99: join(dir, 'load-latency.svg') }
  const at = new Date().toISOString()
  await writeFile(files.json, JSON.stringify({ at, command: `node dist/ops/bench/main.js ${argv.join(' ')}`, machine: machine(), load: r }, null, 2))
  // A REST-only run has no paced steps to draw.
  if (r.steps.length === 0) return [files.json]
  const runs: Run[] = [{ label: labels[0], result: r, dashed: false }, ...(baseline ? [{ label: labels[1], result: baseline, dashed: true }] : [])]
  await writeFile(files.tput, throughputChart(runs))
  await writeFile(files.p99, latencyChart(runs))
  return Object.values(files)
}

/** Paced rates on a log2 axis: the steps double. */
function rateAxis(runs: Run[]) {
  const rates = runs.flatMap((run) => run.result.steps.map((s) => s.rate))
  const lo = Math.log2(Math.min(...rates))
  const hi = Math.max(lo + 1, Math.log2(Math.max(...rates)))
  const x = (rate: number) => M.left + ((Math.log2(rate) - lo) / (hi - lo)) * (W - M.left - M.right)
  return { x, grid: [...new Set(rates)].sort((a, b) => a - b).map((rate) => gridX(x(rate), String(rate))) }
}

function throughputChart(runs: Run[]): string {
  const axis = rateAxis(runs)
  const top = niceCeil(Math.max(...runs.flatMap((run) => run.result.steps.flatMap((s) => [s.rate, s.ackedPerSecond]))))
  const y = (v: number) => H - M.bottom - (v / top) * (H - M.top - M.bottom)
  const parts = [...axis.grid, ...[0, 0.25, 0.5, 0.75, 1].map((k) => gridY(y(k * top), String(Math.round(k * top))))]
  const rates = runs[0]!.result.steps.map((s) => s.rate)
  parts.push(
    polyline(
      rates.map((rate) => [axis.x(rate), y(rate)]),
      '#999',
      true,
    ),
  )
  const legend: [string, string, boolean][] = [['paced (all acked)', '#999', true]]
  for (const [i, run] of runs.entries()) {
    parts.push(
      polyline(
        run.result.steps.map((s) => [axis.x(s.rate), y(s.ackedPerSecond)]),
        COLORS[i]!,
        run.dashed,
      ),
    )
    legend.push([`acked/s, ${run.label}`, COLORS[i]!, run.dashed])
  }
  return svg('seqline up, 1,000 sockets: acked messages per second', 'paced rate (msgs/s)', 'acked msgs/s', parts, legend)
}

function latencyChart(runs: Run[]): string {
  const axis = rateAxis(runs)
  const all = runs.flatMap((run) => run.result.steps.flatMap((s) => [s.delivery.p50, s.delivery.p99])).filter((v) => v > 0 && Number.isFinite(v))
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...all))))
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)))
  const y = (ms: number) => H - M.bottom - ((Math.log10(Math.max(lo, ms)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - M.top - M.bottom)
  const parts = [...axis.grid]
  for (let v = lo; v <= hi; v *= 10) parts.push(gridY(y(v), `${v} ms`))
  const legend: [string, string, boolean][] = []
  for (const [i, run] of runs.entries()) {
    const color = COLORS[i]!
    parts.push(
      polyline(
        run.result.steps.map((s) => [axis.x(s.rate), y(s.delivery.p99)]),
        color,
        run.dashed,
      ),
    )
    parts.push(
      polyline(
        run.result.steps.map((s) => [axis.x(s.rate), y(s.delivery.p50)]),
        COLORS[i + 2]!,
        run.dashed,
      ),
    )
    legend.push([`p99, ${run.label}`, color, run.dashed], [`p50, ${run.label}`, COLORS[i + 2]!, run.dashed])
  }
  return svg('seqline up, 1,000 sockets: send→delivery latency', 'paced rate (msgs/s)', 'ms (log)', parts, legend)
}
