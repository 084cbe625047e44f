// The proof's summary as the table docs/proof.md shows: each target of the issue
// beside what this run measured, and each correctness run with its outcome.

import type { Machine } from '../../ops/bench/shared/machine.js'
import type { WsResult } from '../../ops/bench/websocket/result.js'
import type { ProofReport } from './delivery-proof.js'

export interface FuzzResult {
  ok: boolean
  tests: number
  pass: number
  fail: number
  seconds: number
}

export interface ProofSummary {
  at: string
  size: 'full' | 'small'
  command: string
  machine: Machine
  minutes?: number
  fuzz?: FuzzResult
  ws?: WsResult
  delivery?: ProofReport
  chaos?: ProofReport
}

const n = (v: number) => Math.round(v).toLocaleString('en')
const ms = (v: number) => `${v < 10 ? v.toFixed(1) : n(v)} ms`
const met = (ok: boolean) => (ok ? 'met' : 'not met')

/** Markdown, and whether every part that ran passed (targets missed do not fail the run; problems found do). */
export function proofTable(
  s: ProofSummary,
  o: { want: (part: 'fuzz' | 'ws' | 'delivery' | 'chaos') => boolean; wsFailed: boolean },
): { markdown: string; ok: boolean } {
  const rows: string[] = []
  let ok = !o.wsFailed
  if (s.ws) rows.push(...wsRows(s.ws))
  for (const [label, r] of [
    ['Delivery proof', s.delivery],
    ['Delivery proof under chaos', s.chaos],
  ] as const) {
    if (!r) {
      if (o.want(label === 'Delivery proof' ? 'delivery' : 'chaos')) ok = false
      continue
    }
    const clean = r.problems.length === 0 && r.failed === 0
    ok &&= clean
    const kills = r.kills.api + r.kills.projection + r.kills.nats
    rows.push(
      `| ${label} | every ack stored once and delivered once, in order, to every member; refusals reach nobody | ${n(r.sends)} sends by ${r.clients} clients (${n(r.acked)} acked, ${n(r.refused)} refused, ${r.failed} failed), ${n(r.deliveries)} deliveries checked, ${n(r.flips)} offline/online flips${kills > 0 ? `, ${kills} SIGKILLs (API ${r.kills.api}, projection ${r.kills.projection}, nats-server ${r.kills.nats})` : ''}; ${n((r.sends * 1000) / r.sendPhaseMs)} sends/s, ack p99 ${ms(r.ackMs.p99)} with offline waits, ${ms(r.attemptAckMs.p99)} from the acked attempt | ${clean ? 'no problem found' : `${r.problems.length} problem(s), ${r.failed} failed`} |`,
    )
  }
  if (s.fuzz) {
    ok &&= s.fuzz.ok
    rows.push(
      `| Fuzzing (decider, HTTP, WebSocket) | no 5xx, no crash, no event from an invalid command, invariants hold | ${s.fuzz.pass} of ${s.fuzz.tests} properties passed in ${Math.round(s.fuzz.seconds)} s | ${s.fuzz.ok ? 'passed' : `${s.fuzz.fail} failed`} |`,
    )
  } else if (o.want('fuzz')) ok = false
  const m = s.machine
  const markdown = [
    `Measured ${s.at.slice(0, 16).replace('T', ' ')} UTC on ${m.cores} cores (${m.cpu ?? '?'}), ${m.memoryGiB} GiB, node ${m.node}, by \`${s.command}\`${s.minutes ? ` (${Math.round(s.minutes)} min)` : ''}.`,
    '',
    '| check | target | measured | result |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n')
  return { markdown, ok }
}

function wsRows(w: WsResult): string[] {
  // As the benchmark prints it: against the higher of the ceilings measured before and after.
  const ceiling = Math.max(w.ceilings.before.client.perSecond, w.ceilings.after.client.perSecond)
  const best = w.steps.reduce((a, b) => (b.load.ackedPerSecond > a.load.ackedPerSecond ? b : a))
  const at5k = w.steps.find((st) => st.rate === 5000)
  const lastMember = Math.max(...w.fanout.lastMember)
  const kb = w.idle.rssKbPerConnection
  return [
    `| Sustained messages/s through the API, ${n(w.clients)} connections | 10,000/s and ≥ 0.6 of raw js.publish | ${n(best.load.ackedPerSecond)}/s at a ${n(best.rate)}/s target (${n(best.load.deliveriesPerSecond)} deliveries/s); js.publish ceiling ${n(ceiling)}/s in the same run, ratio ${(best.load.ackedPerSecond / ceiling).toFixed(2)} | ${met(best.load.ackedPerSecond >= 10_000 && best.load.ackedPerSecond >= 0.6 * ceiling)} |`,
    ...w.steps.map(
      (st) =>
        `| Send → delivery at ${n(st.rate)}/s, ${n(w.clients)} connections | p99 < 100 ms at 5,000/s | ${n(st.load.ackedPerSecond)} acks/s; delivery p50 ${ms(st.load.delivery.p50)}, p99 ${ms(st.load.delivery.p99)}, p999 ${ms(st.load.delivery.p999)}; ack p99 ${ms(st.load.ack.p99)} | ${st === at5k ? met(st.load.delivery.p99 < 100 && st.load.ackedPerSecond >= 0.95 * st.rate) : '—'} |`,
    ),
    `| Fan-out to a ${n(w.fanout.members)}-member group, all online | last member < 1 s | last member ${ms(Math.min(...w.fanout.lastMember))}–${ms(lastMember)} over ${w.fanout.lastMember.length} shots | ${w.fanout.members >= 5000 ? met(lastMember < 1000) : '— (target is for 5,000 members)'} |`,
    `| Memory per idle connection | < 20 KB | ${kb === undefined ? '?' : `${kb.toFixed(1)} KB`} RSS of the API process (${n(w.connect.sockets)} sockets) | ${met(kb !== undefined && kb < 20)} |`,
  ]
}
