import { type ChildProcess, spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { Cursor } from '../../core/log/index.js'
import { onLines } from './child-lines.js'
import { TEST_PARTITIONS } from './log.js'

const SINK = fileURLToPath(new URL('../fixtures/history-sink.js', import.meta.url))

/** A history sink in a child process (test/fixtures/history-sink.ts), so a test can SIGKILL it or restart it like a deployment would. */
export interface SinkProcess {
  process: ChildProcess
  /** Resolves once the sink has started (its tables migrated), rejects if it exits first. */
  ready: Promise<void>
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  /** The last position the sink reported. */
  position(): Cursor
  /** True once the sink reports a new position within `ms`: it is writing batches. */
  writing(ms: number): Promise<boolean>
  /** SIGTERM: the sink writes what it followed and exits; resolves with the exit code. */
  stop(): Promise<number | null>
}

/** Starts a sink writing the log at natsUrl into `target` (a ClickHouse server URL or a chDB directory). */
export function startSinkProcess(natsUrl: string, target: string, database: string): SinkProcess {
  const child: ChildProcess = spawn(process.execPath, [SINK, natsUrl, String(TEST_PARTITIONS), target, database], { stdio: ['ignore', 'pipe', 'inherit'] })
  let positions = 0
  let position: Cursor = {}
  let failed = ''
  let onReady: () => void
  const readyP = new Promise<void>((resolve) => (onReady = resolve))
  onLines(child, (tag, rest) => {
    if (tag === 'READY') onReady()
    if (tag === 'POS') positions++
    if (tag === 'POS' || tag === 'READY') position = JSON.parse(rest) as Cursor
    if (tag === 'ERR') failed = rest
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = Promise.race([
    readyP,
    exited.then(() => {
      throw new Error(`sink exited before READY: ${failed}`)
    }),
  ])
  const writing = async (ms: number) => {
    const at = positions
    const deadline = Date.now() + ms
    while (positions === at && Date.now() < deadline) await sleep(5)
    return positions > at
  }
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return exited
  }
  return { process: child, ready, exited, position: () => position, writing, stop }
}
