// Projection lag under sustained load: a caught-up runner while the handler
// appends at a fixed rate, lag sampled every half second. Shows whether the
// projection keeps pace at that rate, and how stale inboxes are meanwhile.
import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import type { ProcessorRunner } from '../../../projections/runtime/index.js'
import { sampleLag, untilCaughtUp } from '../shared/catch-up.js'
import { paced } from '../shared/pace.js'
import { dropLog, scratchLog, scratchProjection } from '../shared/scratch.js'
import { percentiles, pipelined } from '../shared/stats.js'
import { type GroupWorkload, groupWorkload } from './group-workload.js'

export interface LagRow {
  target: number
  achieved: number
  appended: number
  samples: number
  lagEvents: { p50: number; max: number }
  lagSeconds: { p50: number; max: number }
  /** Duration of the lag() calls themselves (two sequential requests per partition). */
  lagCallMs: { p50: number; max: number }
  /** After the load stopped, until lag() reported nothing left. */
  drainSeconds: number
  /** CPU of this process per appended event (µs, user + system): the handler alone at the same rate, and handler + caught-up runner until drained. */
  cpuUs: { handler: number; withProjection: number }
}

/** Groups the load is spread over (messages, and every tenth command a read). */
export const LAG_GROUPS = 1000
const SAMPLE_MS = 500
const POLL_MS = 100
const CATCH_UP_TIMEOUT_MS = 120_000

export async function projectionLag(nc: NatsConnection, rates: number[], seconds: number, window: number, partitions: number): Promise<LagRow[]> {
  const log = await scratchLog(nc, 'lag', partitions)
  try {
    const handler = new CommandHandler(log, createDecider())
    const workload = groupWorkload('lag', LAG_GROUPS)
    const send = (i: number) => execute(handler, workload, i)
    await pipelined(LAG_GROUPS, window, send)
    let next = LAG_GROUPS
    // The same load with no runner first: what the handler alone costs this process per event at each rate.
    const handlerCpu: number[] = []
    for (const rate of rates) {
      const cpu = process.cpuUsage()
      const from = next
      const run = await paced(rate, seconds, window, (i) => send(from + i))
      handlerCpu.push(cpuMicros(cpu) / run.issued)
      next += run.issued
    }
    const scratch = await scratchProjection(nc, log, 'lag')
    try {
      await scratch.runner.start()
      await untilCaughtUp(scratch.runner, POLL_MS, CATCH_UP_TIMEOUT_MS)
      const rows: LagRow[] = []
      for (const [r, rate] of rates.entries()) {
        const from = next
        const row = await underLoad(scratch.runner, rate, seconds, window, (i) => send(from + i), handlerCpu[r]!)
        next += row.appended
        rows.push(row)
      }
      return rows
    } finally {
      await scratch.drop()
    }
  } finally {
    await dropLog(nc, log)
  }
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

async function underLoad(
  runner: ProcessorRunner,
  rate: number,
  seconds: number,
  window: number,
  send: (i: number) => Promise<void>,
  handlerCpu: number,
): Promise<LagRow> {
  const cpu = process.cpuUsage()
  const sampler = sampleLag(runner, SAMPLE_MS)
  const run = await paced(rate, seconds, window, send).catch(async (err: unknown) => {
    // The load's own error is the one to report, not a sampler's that outlived it.
    await sampler.stop().catch(() => undefined)
    throw err
  })
  const samples = await sampler.stop()
  const drainSeconds = await untilCaughtUp(runner, POLL_MS, CATCH_UP_TIMEOUT_MS)
  const withProjection = cpuMicros(cpu) / run.issued
  const events = percentiles(samples.map((s) => s.events))
  const ages = percentiles(samples.map((s) => s.seconds))
  const calls = percentiles(samples.map((s) => s.callMs))
  return {
    target: rate,
    achieved: run.issued / run.seconds,
    appended: run.issued,
    samples: samples.length,
    lagEvents: { p50: events.p50, max: events.max },
    lagSeconds: { p50: ages.p50, max: ages.max },
    lagCallMs: { p50: calls.p50, max: calls.max },
    drainSeconds,
    cpuUs: { handler: handlerCpu, withProjection },
  }
}

async function execute(handler: CommandHandler, workload: GroupWorkload, i: number): Promise<void> {
  const r = await handler.execute(workload.command(i))
  if (!r.ok) throw new Error(JSON.stringify(r))
}
