// `seqline up` as a child process, for the tests and benchmarks that run
// Seqline the way an operator does and kill it the way a crash would.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { until } from '../../core/index.js'
import { tieToParent } from './tie-to-parent.js'

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url))
const API_LINE = /^\s*API\s+(https?:\/\/\S+)/m
/** A process of role projector or sink serves no API: its probes' address says it is up. */
const PROBES_LINE = /^\s*probes\s+(https?:\/\/\S+)\/healthz/m

/** `seqline up` in a child process, as an operator runs it. */
export interface SeqlineProcess {
  /** The API's address; for a process of role projector or sink, that of its probes. */
  url: string
  child: ChildProcess
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string
  /** SIGTERM (an orderly stop), SIGKILL if it has not exited after graceMs. */
  stop(graceMs?: number): Promise<void>
  /** SIGKILL (a crash); resolves once it has exited. */
  kill(): Promise<void>
}

/** How a benchmark runs it: node flags (--cpu-prof, which NODE_OPTIONS refuses) and another build's cli.js (a baseline). */
export interface SpawnOptions {
  nodeArgs?: string[]
  cli?: string
}

/** Starts `node dist/ops/cli.js up` with the given environment and waits for its API address (its probes' in role projector or sink). */
export async function startSeqline(env: Record<string, string>, readyTimeoutMs = 60_000, spawnOpts: SpawnOptions = {}): Promise<SeqlineProcess> {
  const child = spawn(process.execPath, [...(spawnOpts.nodeArgs ?? []), spawnOpts.cli ?? CLI, 'up'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const untie = tieToParent(child.pid!)
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = () => child.exitCode !== null || child.signalCode !== null
  const stop = async (graceMs = 10_000) => {
    if (!gone()) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    }
    untie()
  }
  const kill = async () => {
    if (!gone()) {
      child.kill('SIGKILL')
      await exited
    }
    untie()
  }
  const notStarted = () => new Error(`seqline up did not start (${gone() ? `exit ${child.exitCode ?? child.signalCode}` : 'timeout'}):\n${out}`)
  const line = env.SEQLINE_ROLE === 'projector' || env.SEQLINE_ROLE === 'sink' ? PROBES_LINE : API_LINE
  const listening = () => {
    const url = line.exec(out)?.[1]
    if (!url && gone()) throw notStarted()
    return url
  }
  try {
    const url = await until(listening, { timeoutMs: readyTimeoutMs, everyMs: 50, timedOut: notStarted })
    return { url, child, output: () => out, stop, kill }
  } catch (err) {
    await stop(1000)
    throw err
  }
}
