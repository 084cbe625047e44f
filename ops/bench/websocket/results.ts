// Writes the WebSocket benchmark's report into a directory of its run: ws.json
// (every figure of the run, with its ceilings, the latency quantiles and the
// throughput series) and two charts drawn here as plain SVG — the latency
// distribution of every load step and throughput over time.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { machine } from '../shared/machine.js'
import { COLORS, gridX, gridY, H, M, niceCeil, polyline, svg, W } from '../shared/svg-chart.js'
import type { WsResult } from './result.js'

/** Writes ws.json, ws-latency-cdf.svg and ws-throughput.svg into `dir`; returns their paths. */
export async function writeWsResults(r: WsResult, dir: string, meta: { natsServer: string; argv: string[] }): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const files = { json: join(dir, 'ws.json'), cdf: join(dir, 'ws-latency-cdf.svg'), tput: join(dir, 'ws-throughput.svg') }
  await writeFile(
    files.json,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        command: `node --expose-gc dist/ops/bench/main.js ${meta.argv.join(' ')}`,
        machine: { ...machine(), natsServer: meta.natsServer },
        ws: r,
      },
      null,
      2,
    ),
  )
  await writeFile(files.cdf, latencyChart(r))
  await writeFile(files.tput, throughputChart(r))
  return Object.values(files)
}

/** Latency CDF on a "nines" axis (0, 90, 99, 99.9 %), log-scaled milliseconds. */
function latencyChart(r: WsResult): string {
  const nines = (q: number) => Math.min(4, -Math.log10(Math.max(1e-4, 1 - q)))
  const all = r.steps.flatMap((s) => [...s.cdf.ackMs, ...s.cdf.deliveryMs]).filter((x) => x > 0 && Number.isFinite(x))
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...all))))
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)))
  const x = (ms: number) => M.left + ((Math.log10(Math.max(lo, ms)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (W - M.left - M.right)
  const y = (n: number) => H - M.bottom - (n / 4) * (H - M.top - M.bottom)
  const parts: string[] = []
  for (let d = lo; d <= hi; d *= 10) parts.push(gridX(x(d), `${d >= 1 ? d : d.toFixed(1)} ms`))
  for (const [n, label] of [
    [0, '0%'],
    [1, '90%'],
    [2, '99%'],
    [3, '99.9%'],
    [4, 'max'],
  ] as const)
    parts.push(gridY(y(n), label))
  const legend: [string, string, boolean][] = []
  r.steps.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const line = (ms: number[], dashed: boolean) =>
      polyline(
        s.cdf.q.map((q, k) => [x(ms[k]!), y(nines(q))]),
        color,
        dashed,
      )
    parts.push(line(s.cdf.deliveryMs, false), line(s.cdf.ackMs, true))
    legend.push([`${s.rate.toLocaleString('en')}/s delivery`, color, false], [`${s.rate.toLocaleString('en')}/s ack`, color, true])
  })
  const title = `WebSocket latency, ${r.clients.toLocaleString('en')} connections: send → ack (dashed), send → delivery (solid)`
  return svg(title, 'latency (ms, log)', 'fraction of messages (nines)', parts, legend)
}

/** Acks/s (dashed) and recipient deliveries/s (solid) per bin, each step from its first send. */
function throughputChart(r: WsResult): string {
  const perS = (count: number, binMs: number) => (count * 1000) / binMs
  const maxT = Math.max(...r.steps.map((s) => (Math.max(s.series.deliveries.length, s.series.acks.length) * s.series.binMs) / 1000))
  const maxY = niceCeil(Math.max(1, ...r.steps.flatMap((s) => [...s.series.deliveries, ...s.series.acks].map((c) => perS(c, s.series.binMs)))))
  const x = (t: number) => M.left + (t / maxT) * (W - M.left - M.right)
  const y = (v: number) => H - M.bottom - (v / maxY) * (H - M.top - M.bottom)
  const parts: string[] = []
  const stepT = maxT > 20 ? 5 : maxT > 8 ? 2 : 1
  for (let t = 0; t <= maxT + 1e-9; t += stepT) parts.push(gridX(x(t), `${t} s`))
  for (let k = 0; k <= 5; k++) parts.push(gridY(y((maxY * k) / 5), Math.round((maxY * k) / 5).toLocaleString('en')))
  const legend: [string, string, boolean][] = []
  r.steps.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const line = (bins: number[], dashed: boolean) =>
      polyline(
        bins.map((c, b) => [x(((b + 0.5) * s.series.binMs) / 1000), y(perS(c, s.series.binMs))]),
        color,
        dashed,
      )
    parts.push(line(s.series.deliveries, false), line(s.series.acks, true))
    legend.push([`${s.rate.toLocaleString('en')}/s target: deliveries`, color, false], [`${s.rate.toLocaleString('en')}/s target: acks`, color, true])
  })
  const title = `WebSocket throughput over time, ${r.clients.toLocaleString('en')} connections (${r.steps[0]?.series.binMs ?? 0} ms bins)`
  return svg(title, "time since the step's first send", 'per second', parts, legend)
}
