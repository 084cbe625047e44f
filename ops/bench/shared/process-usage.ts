// What a run cost the machine: CPU time and resident memory of this process
// over a stretch of wall time, how late its event loop ran (when clients and
// server share one process, their latencies include that wait), and the CPU
// of another process (nats-server) read from /proc.
import { readFile } from 'node:fs/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface Usage {
  seconds: number
  /** CPU time over wall time, in percent of one core (200 = both of two cores). */
  cpuPercent: number
  userSeconds: number
  systemSeconds: number
  rssMaxMb: number
  rssEndMb: number
  /** Event-loop delay, ms: how much later than due a timer ran. */
  loopDelay: { p50: number; p99: number; max: number }
}

const RSS_EVERY_MS = 250
/** The delay monitor's timer; its histogram holds whole intervals, so this is taken off to leave the delay. */
const LOOP_RESOLUTION_MS = 5
const MB = 2 ** 20

/** Samples this process from now until stop(). */
export function sampleUsage(): { stop(): Usage } {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loop.enable()
  let rssMax = process.memoryUsage.rss()
  const timer = setInterval(() => void (rssMax = Math.max(rssMax, process.memoryUsage.rss())), RSS_EVERY_MS)
  return {
    stop() {
      clearInterval(timer)
      loop.disable()
      const seconds = (performance.now() - start) / 1000
      const used = process.cpuUsage(cpu)
      const rss = process.memoryUsage.rss()
      const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS)
      return {
        seconds,
        cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100,
        userSeconds: used.user / 1e6,
        systemSeconds: used.system / 1e6,
        rssMaxMb: Math.max(rssMax, rss) / MB,
        rssEndMb: rss / MB,
        loopDelay: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
      }
    },
  }
}

/** Linux clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every mainstream kernel). */
const TICKS = 100

/** CPU seconds (user + system) another process has used so far, or undefined when /proc cannot tell. */
export async function cpuSecondsOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined
  return cpuSecondsIn(`/proc/${pid}/stat`)
}

/**
 * CPU seconds a process's main thread (the one whose id is the process's: a
 * Node process's event loop) has used so far, or undefined when /proc cannot
 * tell. Beside the whole process's, it shows how near the one thread that
 * cannot spread over cores is to a whole core.
 */
export function mainThreadCpuSecondsOf(pid: number): Promise<number | undefined> {
  return cpuSecondsIn(`/proc/${pid}/task/${pid}/stat`)
}

async function cpuSecondsIn(statFile: string): Promise<number | undefined> {
  try {
    const stat = await readFile(statFile, 'utf8')
    // Fields after the command name, which may itself hold spaces: utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS
  } catch {
    return undefined
  }
}

/** Write syscalls a process has made so far (syscw of /proc/<pid>/io), NaN when /proc cannot tell. */
export async function writeSyscallsOf(pid: number): Promise<number> {
  try {
    return Number(/^syscw:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN)
  } catch {
    return NaN
  }
}

/** Resident memory of another process in MB (VmRSS from /proc), or undefined when /proc cannot tell. */
export async function rssMbOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}

/** CPU seconds the whole machine has spent busy so far, all cores summed (from /proc/stat; iowait counts as idle), or NaN. */
export async function machineBusySeconds(): Promise<number> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!
    // cpu user nice system idle iowait irq softirq steal ...
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number)
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
    return (ticks.reduce((a, b) => a + b, 0) - idle) / TICKS
  } catch {
    return NaN
  }
}
