// Projection throughput: how fast a fresh conversations projection replays a
// log of N events from zero, beside the append rates measured in the same run
// against the same server — the handler appending those very events, and the
// bare publish ceiling (the path append itself uses) around it.
import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import type { EventLog } from '../../../core/log/index.js'
import { ConversationViews } from '../../../projections/conversations/index.js'
import { untilCaughtUp } from '../shared/catch-up.js'
import { bareCeiling } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog, scratchProjection } from '../shared/scratch.js'
import { pipelined } from '../shared/stats.js'
import { type GroupWorkload, groupWorkload } from './group-workload.js'

export interface ThroughputResult {
  events: number
  convs: number
  /** Bare publish ceiling, measured before and after the handler run. */
  bare: [first: number, last: number]
  handler: number
  projection: number
  projectionSeconds: number
  /** CPU of this process (user + system) per replayed event, µs, from start() until the views are flushed. */
  projectionCpuUs: number
}

const CONVS = 1000
const POLL_MS = 100

export async function projectionThroughput(nc: NatsConnection, events: number, window: number, partitions: number): Promise<ThroughputResult> {
  const log = await scratchLog(nc, 'thru', partitions)
  const raw = await scratchLog(nc, 'raw', partitions)
  try {
    const first = (await bareCeiling(raw, events, window)).perSecond
    const workload = groupWorkload('thru', CONVS)
    const handler = await appendAll(log, workload, events, window)
    const last = (await bareCeiling(raw, events, window)).perSecond
    const { seconds, cpuUs } = await replay(nc, log, workload, events)
    return { events, convs: CONVS, bare: [first, last], handler, projection: events / seconds, projectionSeconds: seconds, projectionCpuUs: cpuUs / events }
  } finally {
    await dropLog(nc, raw)
    await dropLog(nc, log)
  }
}

/** Events/s of the handler appending the workload's first `events` commands. */
async function appendAll(log: EventLog, workload: GroupWorkload, events: number, window: number): Promise<number> {
  const handler = new CommandHandler(log, createDecider())
  const { seconds } = await pipelined(events, window, async (i) => {
    const r = await handler.execute(workload.command(i))
    if (!r.ok) throw new Error(JSON.stringify(r))
  })
  return events / seconds
}

/** From start() of a fresh runner until lag() reports nothing left; the views are checked before the figure counts. */
async function replay(nc: NatsConnection, log: EventLog, workload: GroupWorkload, events: number): Promise<{ seconds: number; cpuUs: number }> {
  const scratch = await scratchProjection(nc, log, 'thru')
  try {
    const start = performance.now()
    const cpu = process.cpuUsage()
    await scratch.runner.start()
    await untilCaughtUp(scratch.runner, POLL_MS, Math.max(120_000, events * 2))
    const seconds = (performance.now() - start) / 1000
    await scratch.runner.flush()
    const used = process.cpuUsage(cpu)
    await checkHeads(nc, scratch.bucket, workload, events)
    return { seconds, cpuUs: used.user + used.system }
  } finally {
    await scratch.drop()
  }
}

/** A replay that skipped or misapplied events must not be reported as a rate. */
async function checkHeads(nc: NatsConnection, bucket: string, workload: GroupWorkload, events: number): Promise<void> {
  const views = await ConversationViews.open(nc, bucket)
  for (const index of [0, workload.convs - 1]) {
    const head = await views.head(workload.conv(index))
    const want = workload.headAfter(index, events)
    if (head?.head !== want) throw new Error(`projection head of ${workload.conv(index)} is ${head?.head}, expected ${want}`)
  }
}
