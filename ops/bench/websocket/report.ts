// Prints the WebSocket benchmark: its figures beside the publish ceilings of
// the same run, the delivery check, and what the run cost. A run that lost,
// duplicated or misrouted anything says so in capitals and fails the process.
import type { Usage } from '../shared/process-usage.js'
import type { Ceilings } from '../shared/publish-ceilings.js'
import { fmt } from '../shared/stats.js'
import type { Verdict } from './ledger.js'
import type { WsResult } from './result.js'

const n = (x: number) => Math.round(x).toLocaleString('en')

export function printWs(r: WsResult): void {
  printSetup(r)
  printCeilings(r.ceilings)
  printConnections(r)
  printLatencies(r)
  printSteps(r)
  printChecks(r)
  printUsage(r)
  if (!r.ok) {
    console.log('\nWEBSOCKET RESULT IS BROKEN: see the checks above; the rates are not valid')
    process.exitCode = 1
  }
}

function printSetup(r: WsResult) {
  const where =
    r.placement === 'inline'
      ? 'in the bench process, beside the clients (--ws-api inline: they share one event loop, which inflates every latency)'
      : 'in a child process of its own (clients and server on separate event loops; --ws-api inline to share one)'
  const projection =
    r.projection === 'child'
      ? "the conversations projection in a child process of its own (--ws-projection child: its CPU apart from the API's)"
      : "the conversations projection in the API's process, as `npm start` runs it (--ws-projection child to split them)"
  console.log(`\nwebsocket: ${r.clients} clients (SeqlineClient + ws), one API process ${where}; fresh log and views`)
  console.log(`           ${projection}`)
  const uneven = r.clients % r.groupSize === 0 ? '' : ' (the last one smaller)'
  console.log(`users: ${r.directs} direct pairs, ${r.groups} groups of ${r.groupSize}${uneven}, all in one fan-out group; 100-character text messages`)
  console.log(`load: ${n(r.rate)} msgs/s paced over all clients for ${r.seconds} s, round-robin; each client alternates direct peer / group`)
  console.log(`      after ${r.warmup.seconds} s at the same rate, checked but not timed (JIT, the handler loading each conversation)`)
  console.log("ack = sendCommand → its ack; delivery = sendCommand → the event at a recipient's socket (one clock: same machine)")
  console.log('vs js.publish / vs bare = per s ÷ the higher of that raw ceiling measured before and after (same server, same run)')
}

function printCeilings(c: { before: Ceilings; after: Ceilings }) {
  console.log('\nraw ceiling (pipelined)        before msgs/s  after msgs/s   p50 ms   p99 ms')
  for (const [name, key] of [
    ['raw bare publish', 'bare'],
    ['raw js.publish (nats.js)', 'client'],
  ] as const) {
    const b = c.before[key]
    const a = c.after[key]
    console.log(
      `${name.padEnd(30)} ${n(b.perSecond).padStart(13)} ${n(a.perSecond).padStart(13)} ${fmt(Math.max(a.p50, b.p50)).padStart(8)} ${fmt(Math.max(a.p99, b.p99)).padStart(8)}`,
    )
  }
}

function printConnections(r: WsResult) {
  const c = r.connect
  const i = r.idle
  const addresses = c.addresses > 1 ? ` from ${c.addresses} source addresses 127.0.0.1-${c.addresses}` : ' from 127.0.0.1'
  console.log(
    `\nconnections: ${n(c.sockets)} sockets${addresses}, authenticated and synced in ${fmt(c.seconds, 1)} s (${n(c.perSecond)}/s); open-files limit ${c.fdLimit ?? '?'} per process`,
  )
  if (i.rssKbPerConnection !== undefined) {
    console.log(
      `idle memory, API process after full GC: RSS ${fmt(i.apiRssNoneMb!, 0)} MB with no socket → ${fmt(i.apiRssIdleMb!, 0)} MB with ${n(c.sockets)} idle: ` +
        `${fmt(i.rssKbPerConnection, 1)} KB RSS per connection (JS heap ${fmt(i.heapKbPerConnection!, 1)} KB of it)`,
    )
  }
  console.log(
    `idle memory, bench process (clients): ${fmt(i.benchRssNoneMb, 0)} → ${fmt(i.benchRssIdleMb, 0)} MB; nats-server RSS ${fmt(i.natsRssMb ?? NaN, 0)} MB`,
  )
}

function printSteps(r: WsResult) {
  const client = Math.max(r.ceilings.before.client.perSecond, r.ceilings.after.client.perSecond)
  console.log('\nload steps (same connections)')
  // The projection's columns stay '-' when it runs inside the API's process (its CPU and memory are in the API's).
  console.log(
    'target/s  acked/s  deliv/s  vs js.pub  ack p50/p99/p999 ms        delivery p50/p99/p999 ms   API cpu%  proj cpu%  nats cpu%  bench cpu%  API RSS MB  proj RSS MB  API ms CPU/msg',
  )
  for (const s of r.steps) {
    const l = s.load
    const p = (x: WsResult['load']['ack']) => `${fmt(x.p50, 1)} / ${fmt(x.p99, 1)} / ${fmt(x.p999, 1)}`
    console.log(
      `${n(s.rate).padStart(8)} ${n(l.ackedPerSecond).padStart(8)} ${n(l.deliveriesPerSecond).padStart(8)} ${fmt(l.ackedPerSecond / client).padStart(10)}  ${p(l.ack).padEnd(26)} ${p(l.delivery).padEnd(26)} ` +
        `${fmt(s.usage.apiCpuPercent ?? NaN, 0).padStart(8)} ${fmt(s.usage.projectionCpuPercent ?? NaN, 0).padStart(10)} ${fmt(s.usage.natsCpuPercent ?? NaN, 0).padStart(10)} ${fmt(s.usage.bench.cpuPercent, 0).padStart(11)} ` +
        `${fmt(s.usage.apiRssMb ?? NaN, 0).padStart(11)} ${fmt(s.usage.projectionRssMb ?? NaN, 0).padStart(12)} ${fmt(s.apiCpuMsPerMessage ?? NaN, 3).padStart(15)}` +
        (l.verdict.ok ? '' : l.verdict.correct ? `  OVERLOADED: ${verdictFailures(l.verdict)} (no loss, no duplicate)` : '  BROKEN'),
    )
  }
  for (const s of r.steps) console.log(`check, step ${n(s.rate)}/s: ${verdictLine(s.load.verdict)}`)
}

function printLatencies(r: WsResult) {
  const bare = Math.max(r.ceilings.before.bare.perSecond, r.ceilings.after.bare.perSecond)
  const client = Math.max(r.ceilings.before.client.perSecond, r.ceilings.after.client.perSecond)
  console.log('\nscenario                          count      per s  vs js.publish  vs bare   p50 ms   p99 ms  p999 ms   max ms')
  const row = (name: string, count: number, perSecond: number | undefined, p: WsResult['load']['ack']) => {
    const rate = perSecond === undefined ? ['', '', ''] : [n(perSecond), fmt(perSecond / client), fmt(perSecond / bare)]
    console.log(
      `${name.padEnd(30)} ${n(count).padStart(9)} ${rate[0]!.padStart(10)} ${rate[1]!.padStart(14)} ${rate[2]!.padStart(8)} ` +
        `${fmt(p.p50).padStart(8)} ${fmt(p.p99).padStart(8)} ${fmt(p.p999).padStart(8)} ${fmt(p.max).padStart(8)}`,
    )
  }
  const l = r.load
  row('send → ack', l.verdict.acked, l.ackedPerSecond, l.ack)
  row('send → delivery (recipients)', l.recipientDeliveries, l.deliveriesPerSecond, l.delivery)
  row(`fan-out ${r.fanout.members}: ack`, r.fanout.verdict.acked, undefined, r.fanout.ack)
  row(`fan-out ${r.fanout.members}: each member`, r.fanout.verdict.deliveredOnce, undefined, r.fanout.member)
  const shots = r.fanout.lastMember.map((ms) => fmt(ms, 1)).join(', ')
  console.log(`fan-out ${r.fanout.members}: send → last member has it, per shot (ms): ${shots}`)
  const f = r.fanout
  const perFrame = (ms: number | undefined) => (ms === undefined ? '?' : `${fmt(ms, 1)} ms (${fmt((ms * 1000) / f.members, 1)} µs per member)`)
  console.log(`fan-out ${f.members}: CPU per shot: API process ${perFrame(f.apiCpuMsPerShot)}, bench clients ${perFrame(f.benchCpuMsPerShot)}`)
  const short = l.ackedPerSecond < 0.95 * r.rate ? '  (BELOW TARGET: the system did not keep up)' : ''
  // Issued is what the pacer got out (below target only if the clients' own process stalled); acked/s also carries the final latency tail.
  const issued = l.verdict.sent / r.seconds
  console.log(
    `achieved: ${n(issued)} msgs/s issued, ${n(l.ackedPerSecond)} acked msgs/s (first send → last ack, ${fmt(l.seconds, 1)} s) of ${n(r.rate)} targeted${short}`,
  )
  console.log(`          ${n(l.deliveriesPerSecond)} recipient deliveries/s; after the last ack, the last delivery came ${fmt(l.drainSeconds)} s later`)
}

function printChecks(r: WsResult) {
  console.log(`\ncheck, warm-up: ${verdictLine(r.warmup.verdict)}`)
  console.log(`check, load:    ${verdictLine(r.load.verdict)}`)
  console.log(`check, fan-out: ${verdictLine(r.fanout.verdict)}`)
  const w = r.wire
  const wireOk = w.rawEventFrames === w.emittedEvents && w.reconnects === 0
  console.log(
    `check, wire:    ${n(w.rawEventFrames)} event frames received, ${n(w.emittedEvents)} emitted by the client library, ${w.reconnects} reconnects → ${wireOk ? 'OK' : 'NOT CLEAN'}`,
  )
}

const verdictFailures = (v: Verdict) =>
  Object.entries(v.failed)
    .map(([code, count]) => `${count} ${code}`)
    .join(', ') || '0 failed'

function verdictLine(v: Verdict): string {
  const failed = verdictFailures(v)
  return (
    `${n(v.sent)} sent, ${n(v.acked)} acked, ${failed}; ${n(v.expected)} deliveries owed (every member, sender included): ` +
    `${n(v.deliveredOnce)} delivered, ${n(v.missed)} missed, ${n(v.duplicates)} duplicates, ${v.seqMismatch} seq mismatches, ` +
    `${v.misrouted} misrouted, ${v.foreign} foreign, ${v.deliveredUnacked} delivered unacked → ${v.ok ? 'OK' : v.correct ? 'OVERLOADED (sends timed out; nothing lost or duplicated)' : 'BROKEN'}`
  )
}

function printUsage(r: WsResult) {
  const u = r.usage
  const b = u.bench
  const split = r.projection === 'child'
  const who = r.placement === 'inline' ? `bench process (clients + API${split ? '' : ' + projection'})` : 'bench process (clients)'
  console.log(`\nCPU over the ${fmt(b.seconds, 1)} s of load and drain, % of one core (2 cores = 200%):`)
  console.log(
    `  ${who}: ${fmt(b.cpuPercent, 0)}% (user ${fmt(b.userSeconds, 1)} s, system ${fmt(b.systemSeconds, 1)} s); RSS max ${fmt(b.rssMaxMb, 0)} MB, end ${fmt(b.rssEndMb, 0)} MB`,
  )
  if (u.apiCpuPercent !== undefined)
    console.log(
      `  API process (API${split ? '' : ' + projection'}): ${fmt(u.apiCpuPercent, 0)}%; RSS ${fmt(u.apiRssMb ?? NaN, 0)} MB, peak ${fmt(u.apiMaxRssMb ?? NaN, 0)} MB`,
    )
  if (u.projectionCpuPercent !== undefined)
    console.log(
      `  projection process: ${fmt(u.projectionCpuPercent, 0)}%; RSS ${fmt(u.projectionRssMb ?? NaN, 0)} MB, peak ${fmt(u.projectionMaxRssMb ?? NaN, 0)} MB`,
    )
  if (u.natsCpuPercent !== undefined) console.log(`  nats-server: ${fmt(u.natsCpuPercent, 0)}%`)
  const delay = (d: Usage['loopDelay']) => `${fmt(d.p50)} / ${fmt(d.p99)} / ${fmt(d.max)} ms`
  console.log(`event-loop delay p50 / p99 / max: bench process ${delay(b.loopDelay)}${u.apiLoopDelay ? `; API process ${delay(u.apiLoopDelay)}` : ''}`)
}
