// What following the log costs an API process none of whose sockets is in the
// events' conversations (`--only idle`): one `seqline up --role api` that no
// client connects to, on the benchmark's nats-server and a ClickHouse server,
// while the log takes paced commands over many groups. Its CPU is read from
// /proc: first over a stretch with no events (timers, heartbeats: the floor),
// then per paced step; the figure is CPU per event, raw and above the floor.
// Printed beside the js.publish ceiling of the same run. A smaller, quicker
// run of the scale benchmark's "idle API" column, for profiling it
// (--idle-profile <dir>: the API process writes a --cpu-prof profile there).

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import { type Cursor, openJetStreamLog } from '../../../core/log/index.js'
import type { LiveDelivery } from '../../../schemas/index.js'
import { startClickHouseServer } from '../../servers/index.js'
import { type GroupWorkload, groupWorkload } from '../projection/group-workload.js'
import { paced } from '../shared/pace.js'
import { cpuSecondsOf } from '../shared/process-usage.js'
import { type Ceiling, clientCeiling } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog } from '../shared/scratch.js'
import { pipelined } from '../shared/stats.js'
import { startBare } from './bare-receivers.js'
import { deploymentOf, startRole } from './deployment.js'

export interface IdleOptions {
  natsUrl: string
  clickhouseUrl?: string
  dir: string
  partitions: number
  rates: number[]
  seconds: number
  /** Groups the commands go round; none has a socket on the API process. */
  convs: number
  ceilingMessages: number
  window: number
  profileDir?: string
  /** Another build's dist/ops/cli.js to run as the API process (a baseline). */
  cli?: string
  /** Where the API process's live events come from. */
  live: LiveDelivery
}

interface IdleStep {
  rate: number
  events: number
  seconds: number
  cpuPercent: number
  usPerEvent: number
  /** Less the floor's CPU over the same time: what the events themselves cost. */
  usPerEventAboveFloor: number
  /** Beside it in the same step: CPU per event of a process that only receives every event (core subscription; ordered consumers). */
  bare: { core: number; ordered: number }
  /** Of the CPU, the share spent in the kernel (socket reads, wake-ups). */
  systemShare: number
  /** read and write syscalls of the process per event. */
  readsPerEvent: number
  writesPerEvent: number
}

export interface IdleResult {
  options: Omit<IdleOptions, 'dir'>
  ceiling: { before: Ceiling; after: Ceiling }
  /** CPU of the API process with no events at all, in percent of a core. */
  floorPercent: number
  /** The same for the bare receivers beside it (bare-follower.ts). */
  bareFloorPercent: { core: number; ordered: number }
  /** Log events appended while the bare receivers ran, and how many each received (a ceiling that missed them measures nothing). */
  bareReceived: { events: number; core: number; ordered: number }
  steps: IdleStep[]
}

const FLOOR_SECONDS = 5
/** After the last command: the API process has received what the log took (it follows within milliseconds). */
const SETTLE_MS = 500
const SETUP_WINDOW = 64

export async function idleBench(nc: NatsConnection, opts: IdleOptions): Promise<IdleResult> {
  const raw = await scratchLog(nc, 'idleraw', opts.partitions)
  const local = opts.clickhouseUrl ? null : await startClickHouseServer({ dataDir: join(opts.dir, 'idle-clickhouse') })
  const d = deploymentOf(opts, opts.clickhouseUrl ?? local!.url)
  const log = await openJetStreamLog(nc, { names: { partitions: opts.partitions } })
  const nodeArgs = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []
  const api = await startRole(d, 'api', 'idle-api', { nodeArgs, cli: opts.cli })
  const start = await log.end()
  const bare = { core: await startBare(opts.natsUrl, 'core', opts.partitions), ordered: await startBare(opts.natsUrl, 'ordered', opts.partitions) }
  try {
    const before = await clientCeiling(nc, raw, opts.ceilingMessages, opts.window)
    const handler = new CommandHandler(log, createDecider())
    const w = groupWorkload(`idle${Date.now().toString(36)}`, opts.convs)
    await pipelined(opts.convs, SETUP_WINDOW, (i) => run(handler, w, i))
    let issued = opts.convs
    const pid = api.child.pid
    const pids = [pid, bare.core.pid, bare.ordered.pid]
    const floorStart = await cpuOf(pids)
    const floorAt = performance.now()
    await sleep(FLOOR_SECONDS * 1000)
    const floorCpu = (await cpuOf(pids)).map((c, i) => c - floorStart[i]!)
    const floorSeconds = (performance.now() - floorAt) / 1000
    const floorPerSecond = floorCpu[0]! / floorSeconds
    const steps: IdleStep[] = []
    for (const rate of opts.rates) {
      const endBefore = await log.end()
      const cpuBefore = await cpuSecondsOf(pid)
      const bareBefore = await cpuOf(pids.slice(1))
      const usageBefore = await usageOf(pid)
      const at = performance.now()
      const first = issued
      const done = await paced(rate, opts.seconds, opts.window, (i) => run(handler, w, first + i))
      issued += done.issued
      await sleep(SETTLE_MS)
      const seconds = (performance.now() - at) / 1000
      const cpu = (await cpuSecondsOf(pid))! - cpuBefore!
      const bareCpu = (await cpuOf(pids.slice(1))).map((c, i) => c - bareBefore[i]!)
      const usage = await usageOf(pid)
      const events = eventsBetween(endBefore, await log.end())
      steps.push({
        rate,
        events,
        seconds,
        cpuPercent: (cpu / seconds) * 100,
        usPerEvent: (cpu / events) * 1e6,
        usPerEventAboveFloor: ((cpu - floorPerSecond * seconds) / events) * 1e6,
        bare: { core: (bareCpu[0]! / events) * 1e6, ordered: (bareCpu[1]! / events) * 1e6 },
        systemShare: (usage.system - usageBefore.system) / (usage.user - usageBefore.user + usage.system - usageBefore.system),
        readsPerEvent: (usage.reads - usageBefore.reads) / events,
        writesPerEvent: (usage.writes - usageBefore.writes) / events,
      })
    }
    const after = await clientCeiling(nc, raw, opts.ceilingMessages, opts.window)
    const { dir: _dir, ...shown } = opts
    const bareFloorPercent = { core: (floorCpu[1]! / floorSeconds) * 100, ordered: (floorCpu[2]! / floorSeconds) * 100 }
    const events = eventsBetween(start, await log.end())
    const bareReceived = { events, core: await bare.core.stop(), ordered: await bare.ordered.stop() }
    return { options: shown, ceiling: { before, after }, floorPercent: floorPerSecond * 100, bareFloorPercent, bareReceived, steps }
  } finally {
    await bare.core.stop()
    await bare.ordered.stop()
    await api.stop()
    log.close()
    await dropLog(nc, raw)
    await local?.stop()
  }
}

async function run(handler: CommandHandler, w: GroupWorkload, i: number): Promise<void> {
  const r = await handler.execute(w.command(i) as Parameters<CommandHandler['execute']>[0])
  if (!r.ok) throw new Error(`idle bench: command ${i} refused: ${JSON.stringify(r)}`)
}

async function cpuOf(pids: Array<number | undefined>): Promise<number[]> {
  return Promise.all(pids.map(async (p) => (await cpuSecondsOf(p)) ?? Number.NaN))
}

/** User and system clock ticks and read/write syscalls of a process so far, from /proc. */
async function usageOf(pid: number | undefined): Promise<{ user: number; system: number; reads: number; writes: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const io = await readFile(`/proc/${pid}/io`, 'utf8')
  const count = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? Number.NaN)
  return { user: Number(fields[11]), system: Number(fields[12]), reads: count('syscr'), writes: count('syscw') }
}

function eventsBetween(before: Cursor, after: Cursor): number {
  return Object.entries(after).reduce((n, [p, end]) => n + end - (before[Number(p)] ?? 0), 0)
}

export function printIdle(r: IdleResult): void {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-')
  console.log(
    `\nIdle API: one seqline up --role api with no socket and no command, live delivery from ${r.options.live === 'interest' ? 'interest' : 'the log'}, while the log takes paced commands over ${r.options.convs} groups of 3 (${r.options.partitions} partitions)`,
  )
  console.log(`  js.publish ceiling, same run: ${f(r.ceiling.before.perSecond, 0)} msgs/s before, ${f(r.ceiling.after.perSecond, 0)} after`)
  console.log(
    `  floor (no events, ${FLOOR_SECONDS} s): ${f(r.floorPercent, 2)}% of a core; bare receivers beside it: core subscription ${f(r.bareFloorPercent.core, 2)}%, ordered consumers ${f(r.bareFloorPercent.ordered, 2)}%`,
  )
  console.log(
    '   paced/s  events/s  API CPU %  µs per event  above the floor  kernel share  reads/event  writes/event  | bare µs per event: core sub  ordered consumers',
  )
  for (const s of r.steps) {
    console.log(
      `  ${String(s.rate).padStart(8)}  ${f(s.events / s.seconds, 0).padStart(8)}  ${f(s.cpuPercent, 2).padStart(9)}  ${f(s.usPerEvent).padStart(12)}  ${f(s.usPerEventAboveFloor).padStart(15)}  ${f(s.systemShare * 100, 0).padStart(11)}%  ${f(s.readsPerEvent, 2).padStart(11)}  ${f(s.writesPerEvent, 2).padStart(12)}  | ${f(s.bare.core).padStart(21)}  ${f(s.bare.ordered).padStart(17)}`,
    )
  }
  const b = r.bareReceived
  console.log(
    `  the bare receivers got ${b.core} (core subscription) and ${b.ordered} (ordered consumers) messages of the ${b.events} events the log took while they ran`,
  )
}
