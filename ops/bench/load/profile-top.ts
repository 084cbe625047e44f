// Where a stretch of a --cpu-prof profile went: self time by function over the
// samples taken between two instants. V8 stamps samples with the monotonic clock
// that process.hrtime reads in every process of the machine, so the benchmark
// can cut the Seqline process's profile to the window of one of its own steps
// (start-up, schema compilation and the setup stay out of the figures).
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

interface SelfTime {
  frame: string
  /** Share of the busy samples of the window, in percent. */
  percent: number
  ms: number
}

export interface ProfileTop {
  file: string
  /** Sampled time in the window, the process idle excluded, ms. */
  busyMs: number
  top: SelfTime[]
}

/** The process waiting in its event loop: not work. (`(program)`, native work outside JS, is kept.) */
const IDLE = '(idle)'

/** Now on the clock of the profiles' sample stamps (µs). */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n)

/** The top `n` functions by self time between `fromUs` and `toUs` in the newest profile in `dir`; undefined when there is none. */
export async function profileTop(dir: string, fromUs: number, toUs: number, n: number): Promise<ProfileTop | undefined> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()
  const file = files.at(-1)
  if (!file) return undefined
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile
  const frames = new Map(profile.nodes.map((node) => [node.id, frameName(node)]))
  const byFrame = new Map<string, number>()
  let at = profile.startTime
  let busy = 0
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0
    at += delta
    const frame = frames.get(id) ?? '?'
    if (at < fromUs || at > toUs || frame === IDLE) continue
    busy += delta
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + delta)
  }
  const top = [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, us]) => ({ frame, percent: (us / busy) * 100, ms: us / 1000 }))
  return { file, busyMs: busy / 1000, top }
}

/** A function by name and where it is: the file's last two path segments and its line. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const where = url ? ` ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''
  return `${functionName || '(anonymous)'}${where}`
}
