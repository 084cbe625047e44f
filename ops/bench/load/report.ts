// The load benchmark's printout: per step the rates, latencies (the server's own
// parts, a command frame's arrival to its ack, the wait for its conversation's
// turn within it, and an event's decision to its hand-over to sockets, beside
// the clients'), CPU, GC and the ledger's verdict,
// beside the ceilings of the same run.
import { fmt } from '../shared/stats.js'
import type { GcPauses, LoadResult, LoadStep } from './load.js'
import type { ProfileTop } from './profile-top.js'
import type { Observed } from './server-histograms.js'
import type { LoopDelay } from './server-metrics.js'

export function printLoad(r: LoadResult): void {
  console.log(
    `\nLoad — seqline up (one process: API, projection, history sink on chDB, burns) on nats-server ${r.natsServer}; ` +
      `${r.clients} WebSocket users in ${r.directs} direct pairs and ${r.groups} groups of ${r.groupSize}, paced 100-char sends (${r.order ?? 'round-robin'} over the clients); live delivery from ${r.live === 'interest' ? 'interest' : 'the log'}` +
      (r.nodeFlags?.length ? `; Seqline's node flags ${r.nodeFlags.join(' ')}` : ''),
  )
  const c = r.ceilings
  console.log(
    `  ceilings (same run): js.publish ${fmt(c.client.perSecond, 0)}/s (p99 ${fmt(c.client.p99)} ms), append's bare publish ${fmt(c.bare.perSecond, 0)}/s; ` +
      `ws fan-out ${fmt(r.ws.msgsPerSecond, 0)} msgs/s × ${r.ws.roomSize} = ${fmt(r.ws.framesPerSecond, 0)} frames/s at ${fmt(r.ws.serverCpuUsPerFrame, 1)} µs CPU/frame (server at ${fmt(r.ws.serverCpuPercent, 0)}% of a core)`,
  )
  console.log(
    '  rate/s | acked/s | deliv/s | ack p50/p99/p999 ms    | delivery p50/p99/p999 ms | frame→ack p50/p99 | turn wait %queued p99 | decide→hub p50/p99 | API ms/msg µs/deliv %core main writes/msg | nats ms/msg µs/deliv %core | loop p99/max ms | GC minor /s ms/s p99 | clients %core loop p99/max | machine %cores | ledger',
  )
  for (const s of r.steps) {
    const v = s.verdict
    const ledger = v.ok
      ? `ok: ${v.deliveredOnce}/${v.expected} delivered once`
      : `${v.correct ? 'correct' : 'WRONG'}: ${v.deliveredOnce}/${v.expected} once, missed ${v.missed}, dup ${v.duplicates}, seq ${v.seqMismatch}, misrouted ${v.misrouted}, late from the step before ${v.foreign}, failed ${JSON.stringify(v.failed)}`
    console.log(
      `  ${pad(s.rate, 6)} | ${pad(fmt(s.ackedPerSecond, 0), 7)} | ${pad(fmt(s.deliveriesPerSecond, 0), 7)} | ${pad(triple(s.ack), 22)} | ${pad(triple(s.delivery), 24)} | ${pad(serverPart(s.frameToAck), 17)} | ${pad(turnWait(s.turnWait), 21)} | ${pad(serverPart(s.hubLag), 17)} | ` +
        `${pad(fmt(s.cpu.apiMsPerMessage, 3), 6)} ${pad(fmt(s.cpu.apiUsPerDelivery, 1), 7)} ${pad(fmt(s.cpu.apiPercent, 0), 5)} ${pad(fmt(s.cpu.apiMainPercent ?? NaN, 0), 4)} ${pad(fmt(s.apiWritesPerMessage, 1), 10)} | ` +
        `${pad(fmt(s.cpu.natsMsPerMessage, 3), 7)} ${pad(fmt(s.cpu.natsUsPerDelivery, 1), 7)} ${pad(fmt(s.cpu.natsPercent, 0), 5)} | ${pad(loop(s.loopDelay), 15)} | ${pad(gc(s.gcMinor), 20)} | ${pad(fmt(s.machine?.loadPercent ?? NaN, 0), 13)} ${pad(loop(s.machine?.loadLoopDelay), 12)} | ${pad(fmt(s.machine?.busyPercent ?? NaN, 0), 14)} | ${ledger}`,
    )
  }
  printPaced(r)
  const rest = r.rest
  const failed = Object.keys(rest.failed).length === 0 ? 'none failed' : `failed ${JSON.stringify(rest.failed)}`
  console.log(
    `  REST send (${rest.connections} keep-alive connections, ${rest.conversations} conversations, ${fmt(rest.seconds, 1)} s): ${fmt(rest.requestsPerSecond, 0)} req/s, ` +
      `p50 ${fmt(rest.latency.p50)} / p99 ${fmt(rest.latency.p99)} / p999 ${fmt(rest.latency.p999)} ms; CPU per request API ${fmt(rest.apiCpuMsPerRequest, 3)} ms, nats ${fmt(rest.natsCpuMsPerRequest, 3)} ms; API writes/request ${fmt(rest.apiWritesPerRequest, 2)}; ${failed}`,
  )
  if (r.restProfile) printProfile(r.restProfile)
}

function printProfile(p: ProfileTop): void {
  console.log(`  REST step's self time in the Seqline process (${p.file}, ${fmt(p.busyMs, 0)} ms busy, idle excluded):`)
  for (const t of p.top) console.log(`    ${pad(fmt(t.percent, 1), 5)}%  ${pad(fmt(t.ms, 0), 6)} ms  ${t.frame}`)
}

/** The paced ceiling's table: what the transport alone costs per frame at each step's rate. */
function printPaced(r: LoadResult): void {
  const p = r.wsPaced
  // A load.json from before the paced ceiling has none.
  if (!p) return
  console.log(
    `  ws paced ceiling (same run, trivial ws server, the same ${p.clients} sockets and rooms, ${p.frameBytes}-byte frames as Seqline's event frames, ${p.seconds} s per rate):`,
  )
  console.log('  rate/s |  msgs/s | frames/s | server µs/frame %core | latency p50/p99/p999 ms | missing')
  for (const s of p.steps)
    console.log(
      `  ${pad(s.rate, 6)} | ${pad(fmt(s.msgsPerSecond, 0), 7)} | ${pad(fmt(s.framesPerSecond, 0), 8)} | ${pad(fmt(s.serverCpuUsPerFrame, 1), 15)} ${pad(fmt(s.serverCpuPercent, 0), 5)} | ${pad(triple(s.latency), 23)} | ${s.missing}`,
    )
}

const triple = (p: { p50: number; p99: number; p999: number }) => `${fmt(p.p50, 1)} / ${fmt(p.p99, 1)} / ${fmt(p.p999, 1)}`
const pad = (v: string | number, n: number) => String(v).padStart(n)

/** The Seqline process's event-loop delay over the step; a dash from a build without it. */
const loop = (d: LoopDelay | undefined) => (d ? `${fmt(d.p99, 0)} / ${fmt(d.max, 0)}` : '–')

/** A percentile as the upper bound of its bucket (≤ ms), or past the histogram's last bound. */
const bound = (ms: number, last: string) => (Number.isFinite(ms) ? `≤${fmt(ms, ms < 10 ? 1 : 0)}` : `>${last}`)

/** A server-side latency (its histograms end at 10 s) as bucket bounds; a dash from a build without the metric. */
function serverPart(o: Observed | undefined): string {
  if (!o) return '–'
  return `${bound(o.p50, '10 s')} / ${bound(o.p99, '10 s')}`
}

/** The share of commands that waited for their conversation's turn, and the p99 wait as a bucket bound; a dash from a build without the metric. */
function turnWait(t: LoadStep['turnWait']): string {
  if (!t) return '–'
  const queued = t.waitedShare === undefined ? '–' : `${fmt(t.waitedShare * 100, 1)}%`
  return `${queued} ${bound(t.p99, '10 s')}`
}

/** Scavenges per second, their ms per second, and their p99 as a bucket bound (the GC histogram ends at 5 s); a dash from a build without it. */
function gc(g: GcPauses | undefined): string {
  if (!g) return '–'
  return `${fmt(g.perSecond, 1)} ${fmt(g.msPerSecond, 0)} ${bound(g.p99, '5 s')}`
}
