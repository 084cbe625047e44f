// Prints the scale-out benchmark: per count of API processes, the rates and
// each API process's CPU per log event and per delivery, beside the js.publish
// ceiling of the same run.
import { fmt } from '../shared/stats.js'
import type { ScaleResult } from './scale.js'

export function printScale(r: ScaleResult): void {
  const o = r.options
  console.log(
    `\nScale-out: one nats-server, one projector and one sink process, API processes (seqline up --role api) as below; ${o.clients} clients spread over them, paced ${o.rate} msgs/s for ${o.seconds} s after ${o.warmupSeconds} s of warm-up, groups of ${o.groupSize}`,
  )
  console.log(`  js.publish ceiling, same run: ${fmt(r.ceiling.before.perSecond, 0)} msgs/s before, ${fmt(r.ceiling.after.perSecond, 0)} after`)
  console.log(
    '  APIs  acked/s  log events/s  deliveries/s  per API process: CPU %, µs per log event, µs per delivery (sockets)      idle API µs/event (bare: core sub / ordered)  projector µs/event  sink µs/event  nats µs/event  every delivery checked',
  )
  for (const s of r.steps) {
    const apis = s.perApi.map((a) => `${fmt(a.cpuPercent, 0)}% ${fmt(a.usPerLogEvent, 0)} ${fmt(a.usPerDelivery, 0)} (${a.sockets})`).join(' | ')
    const v = s.verdict
    const check = s.ok
      ? `ok (${v.deliveredOnce} deliveries once each)`
      : `FAILED: ${v.missed} missed, ${v.duplicates} duplicates, ${v.acked}/${v.sent} acked ${JSON.stringify(v.failed)}`
    console.log(
      `  ${String(s.apis).padStart(4)}  ${fmt(s.ackedPerSecond, 0).padStart(7)}  ${fmt(s.logEventsPerSecond, 0).padStart(12)}  ${fmt(s.deliveriesPerSecond, 0).padStart(12)}  ${apis.padEnd(70)}  ${`${fmt(s.idleApiUsPerEvent, 0)} (${fmt(s.bareUsPerEvent.core, 0)} / ${fmt(s.bareUsPerEvent.ordered, 0)})`.padStart(44)}  ${fmt(s.projectorUsPerEvent, 0).padStart(18)}  ${fmt(s.sinkUsPerEvent, 0).padStart(13)}  ${fmt(s.natsUsPerEvent ?? Number.NaN, 0).padStart(13)}  ${check}`,
    )
  }
  const live =
    o.live === 'interest'
      ? "Live delivery by interest: each API process subscribes to the conversations of its own sockets and to its users' join notices, and receives nothing else of the log."
      : 'Every API process follows every event of the log.'
  console.log(
    `  ${live}` +
      ' "idle API" is one more API process with no socket and no command: its CPU per log event is what events of conversations none of its sockets belongs to cost an API process. Beside it, two processes that only receive every event of the log and do nothing with it: one core NATS subscription to every log subject, and one nats.js ordered consumer per partition (as the API follows the log) with an empty callback. The others also handle their share of the commands and deliver to their sockets.',
  )
}
