// Projection benchmarks: the conversations projection replaying a log from
// zero (beside the append rates of the same run), its lag while the handler
// appends at a fixed rate, and the inbox read of a user in 1,000
// conversations. Each part has a log, bucket and projection of its own.
import type { NatsConnection } from '@nats-io/transport-node'
import { fmt } from '../shared/stats.js'
import { type InboxResult, inboxRead } from './inbox-read.js'
import { LAG_GROUPS, type LagRow, projectionLag } from './lag.js'
import { projectionThroughput, type ThroughputResult } from './throughput.js'

export interface ProjectionsOptions {
  /** Events replayed from zero in the throughput part. */
  events: number
  window: number
  partitions: number
  /** Target append rates (events/s) of the lag part, each held for `seconds`. */
  rates?: number[]
  seconds?: number
}

export interface ProjectionsResult {
  throughput: ThroughputResult
  lag: { seconds: number; rows: LagRow[] }
  inbox: InboxResult
}

export async function projectionsBench(nc: NatsConnection, opts: ProjectionsOptions): Promise<ProjectionsResult> {
  const seconds = opts.seconds ?? 10
  const throughput = await projectionThroughput(nc, opts.events, opts.window, opts.partitions)
  const rows = await projectionLag(nc, opts.rates ?? [2000, 5000], seconds, opts.window, opts.partitions)
  const inbox = await inboxRead(nc, opts.window, opts.partitions)
  return { throughput, lag: { seconds, rows }, inbox }
}

export function printProjections(r: ProjectionsResult, window: number) {
  printThroughput(r.throughput, window)
  printLag(r.lag.rows, r.lag.seconds)
  printInbox(r.inbox)
}

function printThroughput(t: ThroughputResult, window: number) {
  const bare = Math.max(...t.bare)
  console.log(`\nprojection replay from zero: ${t.events} events (${t.convs} groups of 3: creations, messages, every tenth command a read)`)
  console.log(`appended through the handler, ${window} in flight; replayed by a fresh runner, timed until lag() reports 0 events (polled every 100 ms)`)
  console.log('vs handler = events/s ÷ the handler append rate of the same events')
  console.log('vs bare    = events/s ÷ the higher of the bare-publish ceilings measured just before and just after the handler run\n')
  console.log('scenario                              events   events/s  vs handler  vs bare')
  const line = (scenario: string, perSecond: number, vsHandler: string, vsBare: string) =>
    console.log(
      `${scenario.padEnd(34)} ${String(t.events).padStart(9)} ${fmt(perSecond, 0).padStart(10)} ${vsHandler.padStart(11)} ${vsBare.padStart(8)}`.trimEnd(),
    )
  line('raw bare publish (before)', t.bare[0], '', '')
  line('raw bare publish (after)', t.bare[1], '', '')
  line('handler append', t.handler, '', fmt(t.handler / bare))
  line('projection replay', t.projection, fmt(t.projection / t.handler), fmt(t.projection / bare))
  console.log(`\nprojection replay CPU of this process: ${fmt(t.projectionCpuUs, 1)} µs per event (user + system, start() until the views are flushed)`)
}

function printLag(rows: LagRow[], seconds: number) {
  console.log(`\nprojection lag under sustained load: a caught-up runner while the handler appends at a fixed rate for ${seconds} s`)
  console.log(`(token bucket, messages and reads over ${LAG_GROUPS} groups); lag() sampled every 500 ms; drain = from the end of the load to 0 events behind`)
  console.log('call ms = p50 duration of the lag() call itself (partitions asked at once, each dated as it answers)')
  console.log('CPU µs/event (this process, user + system): handler = the same paced load with no runner, run first; +proj = handler and runner until drained;')
  console.log("proj = the difference, the projection's own CPU per event\n")
  console.log('target/s  achieved/s  appended  samples  lag p50 ev  lag max ev  lag p50 s  lag max s  call ms  drain s  handler µs  +proj µs  proj µs')
  for (const r of rows) {
    console.log(
      `${String(r.target).padStart(8)} ${fmt(r.achieved, 0).padStart(11)} ${String(r.appended).padStart(9)} ${String(r.samples).padStart(8)} ` +
        `${String(r.lagEvents.p50).padStart(11)} ${String(r.lagEvents.max).padStart(11)} ${fmt(r.lagSeconds.p50).padStart(10)} ${fmt(r.lagSeconds.max).padStart(10)} ${fmt(r.lagCallMs.p50, 0).padStart(8)} ${fmt(r.drainSeconds).padStart(8)} ` +
        `${fmt(r.cpuUs.handler, 1).padStart(11)} ${fmt(r.cpuUs.withProjection, 1).padStart(9)} ${fmt(r.cpuUs.withProjection - r.cpuUs.handler, 1).padStart(8)}`,
    )
  }
}

function printInbox(r: InboxResult) {
  const groups = r.conversations - r.direct
  console.log(`\ninbox read: user '${r.user}' in ${r.conversations} conversations (${r.direct} direct, ${groups} groups of 3, ${r.messagesEach} messages each)`)
  console.log(`read straight from KV after the projection caught up and committed, ${r.reads} reads, each checked (${r.conversations} rows)\n`)
  console.log('rows      p50 ms   p99 ms')
  console.log(`${String(r.conversations).padEnd(6)} ${fmt(r.p50).padStart(9)} ${fmt(r.p99).padStart(8)}`)
}
