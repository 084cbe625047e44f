// The bare receivers of the idle and scale benchmarks (bare-follower.ts) as
// child processes: their CPU per event, read from /proc, is the ceiling an
// API process that follows the whole log is printed beside.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { until } from '../../../core/index.js'
import { tieToParent } from '../../servers/index.js'

const BARE_READY_MS = 30_000

export interface BareReceiver {
  pid: number | undefined
  /** Stops it; resolves to the number of log messages it received. */
  stop(): Promise<number>
}

export type BareMode = 'core' | 'ordered'

/** A bare receiver (bare-follower.ts) as a child process, following once it says so. */
export async function startBare(natsUrl: string, mode: BareMode, partitions: number): Promise<BareReceiver> {
  const script = fileURLToPath(new URL('./bare-follower.js', import.meta.url))
  const child = spawn(process.execPath, [script, natsUrl, mode, String(partitions)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const untie = tieToParent(child.pid!)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d))
  await until(() => out.includes('ready') || (child.exitCode !== null ? Promise.reject(new Error(`bare follower (${mode}) exited: ${out}`)) : undefined), {
    timeoutMs: BARE_READY_MS,
    everyMs: 50,
    timedOut: () => new Error(`bare follower (${mode}) not ready within ${BARE_READY_MS} ms`),
  })
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      untie()
      return Number(/received (\d+)/.exec(out)?.[1] ?? Number.NaN)
    },
  }
}
