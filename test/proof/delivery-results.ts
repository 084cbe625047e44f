// The delivery proof's chart: sends resolved and events delivered per second
// over the send phase of each run, with every SIGKILL of a chaos run marked
// where it happened.
import { COLORS, esc, f, gridX, gridY, H, M, niceCeil, polyline, svg, W } from '../../ops/bench/shared/svg-chart.js'
import type { ProofReport } from './delivery-proof.js'

const KILL_COLORS = { api: '#ff7f0e', projection: '#9467bd', nats: '#17becf' } as const

/** One line per run and counter, in bins wide enough for about 150 points over the longest run. */
export function deliveryChart(runs: Array<{ label: string; report: ProofReport }>): string {
  const maxT = Math.max(1, ...runs.map((r) => r.report.timeline.at(-1)?.t ?? 0))
  const binS = Math.max(1, Math.round(maxT / 150))
  const series = runs.map(({ label, report }) => ({ label, report, sends: rates(report, 'resolved', binS), deliveries: rates(report, 'delivered', binS) }))
  const maxY = niceCeil(Math.max(1, ...series.flatMap((s) => [...s.sends, ...s.deliveries].map(([, v]) => v))))
  const x = (t: number) => M.left + (t / maxT) * (W - M.left - M.right)
  const y = (v: number) => H - M.bottom - (v / maxY) * (H - M.top - M.bottom)
  const parts: string[] = []
  const stepT = niceCeil(maxT / 8)
  for (let t = 0; t <= maxT + 1e-9; t += stepT) parts.push(gridX(x(t), `${t} s`))
  for (let k = 0; k <= 5; k++) parts.push(gridY(y((maxY * k) / 5), Math.round((maxY * k) / 5).toLocaleString('en')))
  const legend: [string, string, boolean][] = []
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const line = (points: Array<[number, number]>, dashed: boolean) =>
      polyline(
        points.map(([t, v]) => [x(t), y(v)]),
        color,
        dashed,
      )
    parts.push(line(s.deliveries, false), line(s.sends, true))
    legend.push([`${s.label}: deliveries/s`, color, false], [`${s.label}: sends resolved/s`, color, true])
    for (const kill of s.report.killLog) parts.push(killMark(x(kill.t), kill.kind))
  })
  if (series.some((s) => s.report.killLog.length > 0)) {
    for (const [kind, color] of Object.entries(KILL_COLORS))
      legend.push([`SIGKILL ${kind === 'nats' ? 'nats-server' : kind === 'api' ? 'API process' : 'projection process'}`, color, true])
  }
  const title = `Delivery proof: ${runs.map((r) => `${r.label} ${r.report.sends.toLocaleString('en')} sends`).join(', ')} (${binS} s bins)`
  return svg(title, 'time since sending began', 'per second', parts, legend)
}

/** [bin middle (s), count per second] from the cumulative one-second samples. */
function rates(r: ProofReport, key: 'resolved' | 'delivered', binS: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let prev = { t: 0, v: 0 }
  for (const sample of r.timeline) {
    if (sample.t - prev.t < binS && sample !== r.timeline.at(-1)) continue
    const dt = sample.t - prev.t
    if (dt > 0) out.push([(prev.t + sample.t) / 2, (sample[key] - prev.v) / dt])
    prev = { t: sample.t, v: sample[key] }
  }
  return out
}

function killMark(px: number, kind: keyof typeof KILL_COLORS): string {
  return `<line x1="${f(px)}" y1="${M.top}" x2="${f(px)}" y2="${H - M.bottom}" stroke="${KILL_COLORS[kind]}" stroke-dasharray="2,3"><title>${esc(`SIGKILL ${kind}`)}</title></line>`
}
