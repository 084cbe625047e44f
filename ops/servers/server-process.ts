// What the local server launchers (nats-server, clickhouse-server) share: a
// detached child writing straight to its log file, and stopping it in order.
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, closeSync, constants as fsConstants, fstatSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tieToParent } from './tie-to-parent.js'

const KILL_WAIT_MS = 5_000

/**
 * Starts a server in its own process group, writing straight to `logFile`: a
 * terminal's Ctrl-C reaches Seqline only (which then stops the server in
 * order), and no pipe has to be drained. Restarts append to the same log; the
 * returned offset is where this run's output starts. Synchronous on purpose:
 * a spawn failure is emitted as 'error' on the next tick, and the caller must
 * be listening by then. `env` defaults to this process's environment.
 */
export function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { child: ChildProcess; logOffset: number } {
  const logFd = openSync(logFile, 'a')
  try {
    const logOffset = fstatSync(logFd).size
    const child = spawn(command, args, { stdio: ['ignore', logFd, logFd], detached: true, cwd: opts.cwd, env: opts.env })
    return { child, logOffset }
  } finally {
    closeSync(logFd)
  }
}

function spawnFailure(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => child.once('error', (err) => resolve(err.message)))
}

export async function readLogFrom(logFile: string, offset: number): Promise<string> {
  try {
    return (await readFile(logFile)).subarray(offset).toString('utf8')
  } catch {
    return ''
  }
}

export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/** Sends `signal`, waits `graceMs`, then SIGKILL; throws if even that does not end it. */
async function terminate(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (hasExited(child)) return
  child.kill(signal)
  if (await waitForExit(child, graceMs)) return
  child.kill('SIGKILL')
  if (await waitForExit(child, KILL_WAIT_MS)) return
  throw new Error(`${child.spawnfile} pid ${child.pid} did not exit after SIGKILL`)
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onExit = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    // A referenced timer also keeps the event loop alive while we wait for the unref'd child.
    const timer = setTimeout(() => {
      child.off('exit', onExit)
      resolve(false)
    }, ms)
    child.once('exit', onExit)
  })
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK)
    return true
  } catch {
    return false
  }
}

/** One run of a server process. */
export interface ServerProcess {
  child: ChildProcess
  pid: number
  /** SIGTERM, then SIGKILL after the server's grace period. */
  stop(): Promise<void>
  /** SIGKILL: a crash. */
  kill(): Promise<void>
}

/**
 * Takes charge of a server just spawned: tied to this process, not keeping it
 * alive, and waited for until `ready` resolves — or killed if it never gets
 * there. Resolves with the running server and what `ready` gave.
 */
export async function superviseLaunch<T>(
  child: ChildProcess,
  what: string,
  stopGraceMs: number,
  ready: () => Promise<T>,
): Promise<{ server: ServerProcess; ready: T }> {
  const pid = child.pid
  if (pid === undefined) throw new Error(`cannot start ${what}: ${await spawnFailure(child)}`)
  const untie = tieToParent(pid)
  // The server must not keep this process alive on its own: a test that forgets
  // cleanup should still exit (untie's exit hook then stops the server).
  child.unref()
  try {
    const value = await ready()
    const finish = async (signal: NodeJS.Signals): Promise<void> => {
      await terminate(child, signal, signal === 'SIGKILL' ? KILL_WAIT_MS : stopGraceMs)
      untie()
    }
    return { server: { child, pid, stop: () => finish('SIGTERM'), kill: () => finish('SIGKILL') }, ready: value }
  } catch (err) {
    await terminate(child, 'SIGKILL', KILL_WAIT_MS)
    untie()
    throw err
  }
}

/** A server across restarts: `pid` follows the current process, and stop, kill and restart run one at a time. */
export interface Restartable {
  readonly pid: number
  stop(): Promise<void>
  kill(): Promise<void>
  /** Stops the current process and launches the next. */
  restart(): Promise<void>
}

export function restartable(first: ServerProcess, relaunch: () => Promise<ServerProcess>): Restartable {
  let current = first
  const serial = serializer()
  return {
    get pid() {
      return current.pid
    },
    stop: () => serial(() => current.stop()),
    kill: () => serial(() => current.kill()),
    restart: () =>
      serial(async () => {
        await current.stop()
        current = await relaunch()
      }),
  }
}

/** Runs operations one at a time, so stop/kill/restart never interleave. */
function serializer(): <T>(op: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve()
  return (op) => {
    const run = last.then(op, op)
    last = run.catch(() => undefined)
    return run
  }
}
