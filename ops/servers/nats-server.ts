import type { ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { until } from '../../core/index.js'
import { isExecutable, readLogFrom, restartable, type ServerProcess, spawnLogged, superviseLaunch, tail } from './server-process.js'

export interface NatsServerOptions {
  /** JetStream store directory, created if missing. */
  storeDir: string
  /** 0 or undefined: the server picks a free port, read back from its log. */
  port?: number
  host?: string
  /** Defaults to nats-server on PATH, else /usr/sbin/nats-server. */
  binary?: string
  /** Extra arguments, e.g. cluster flags. */
  args?: string[]
  /** Receives the server's stdout and stderr (appended). Defaults to <storeDir>/../nats-server.log. */
  logFile?: string
  /** How long to wait for 'Server is ready'; defaults to 15 s. */
  readyTimeoutMs?: number
}

export interface RunningNats {
  url: string
  port: number
  storeDir: string
  /** The current process; changes on restart(). */
  pid: number
  /** The GOMAXPROCS the server runs with (localGoMaxProcs). */
  goMaxProcs: string
  /** SIGTERM, then SIGKILL if the server has not exited after a grace period. */
  stop(): Promise<void>
  /** SIGKILL: simulates a crash. */
  kill(): Promise<void>
  /** Starts again on the same port and store dir, stopping first if running. */
  restart(): Promise<void>
}

interface ServerConfig {
  binary: string
  host: string
  storeDir: string
  logFile: string
  args: string[]
  readyTimeoutMs: number
  goMaxProcs: string
}

/** A run of nats-server, with the port it listens on. */
interface NatsProcess extends ServerProcess {
  port: number
}

const FALLBACK_BINARY = '/usr/sbin/nats-server'
const STOP_GRACE_MS = 10_000
const LOG_POLL_MS = 20
const READY_LINE = 'Server is ready'
const LISTEN_LINE = /Listening for client connections on \S+:(\d+)/

function findNatsServerBinary(): string | null {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'nats-server'))
  return [...onPath, FALLBACK_BINARY].find(isExecutable) ?? null
}

export async function startNatsServer(opts: NatsServerOptions): Promise<RunningNats> {
  const config = resolveConfig(opts)
  await mkdir(config.storeDir, { recursive: true })
  const first = await launch(config, opts.port ?? 0)
  const port = first.port
  return Object.assign(
    restartable(first, () => launch(config, port)),
    { url: natsUrl(config.host, port), port, storeDir: config.storeDir, goMaxProcs: config.goMaxProcs },
  )
}

function resolveConfig(opts: NatsServerOptions): ServerConfig {
  const binary = opts.binary ?? findNatsServerBinary()
  if (binary === null) {
    throw new Error(`nats-server not found on PATH or at ${FALLBACK_BINARY}; run: bash ops/setup/install.sh`)
  }
  const storeDir = resolve(opts.storeDir)
  return {
    binary,
    host: opts.host ?? '127.0.0.1',
    storeDir,
    logFile: resolve(opts.logFile ?? join(dirname(storeDir), 'nats-server.log')),
    args: opts.args ?? [],
    readyTimeoutMs: opts.readyTimeoutMs ?? 15_000,
    goMaxProcs: localGoMaxProcs(),
  }
}

/**
 * How many threads Go's scheduler runs the local nats-server on: GOMAXPROCS
 * when it is set to a number Go takes (a whole number above 0; Go ignores
 * any other), else half the cores and at least one. The server shares the
 * machine with Seqline's own processes; on every core Go's idle scheduler
 * threads spin looking for work and a woken goroutine may wake another core.
 * On the 2-core development machine one thread instead of two cut
 * nats-server's CPU per message by 15–25% under the load benchmark and raised
 * the delivery proof's sends/s by about a quarter (docs/performance.md, stop 34).
 */
export function localGoMaxProcs(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): string {
  const set = env.GOMAXPROCS?.trim()
  if (set && /^[1-9]\d*$/.test(set)) return set
  return String(Math.max(1, Math.floor(cores / 2)))
}

async function launch(config: ServerConfig, port: number): Promise<NatsProcess> {
  await mkdir(dirname(config.logFile), { recursive: true })
  const { child, logOffset } = spawnServer(config, port)
  const { server, ready } = await superviseLaunch(child, config.binary, STOP_GRACE_MS, () => waitForReady(child, config, logOffset))
  return { ...server, port: ready }
}

function spawnServer(config: ServerConfig, port: number): { child: ChildProcess; logOffset: number } {
  const args = ['-js', '-sd', config.storeDir, '-a', config.host, '-p', String(port || -1), ...config.args]
  return spawnLogged(config.binary, args, config.logFile, { env: { ...process.env, GOMAXPROCS: config.goMaxProcs } })
}

async function waitForReady(child: ChildProcess, config: ServerConfig, logOffset: number): Promise<number> {
  let failure: string | null = null
  const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    failure = `nats-server exited (${signal ?? `code ${code}`}) before it was ready`
  }
  const onError = (err: Error): void => {
    failure = `nats-server failed: ${err.message}`
  }
  child.once('exit', onExit).once('error', onError)
  const ready = async () => {
    // Read after noting failure, so the log read is complete when we report it.
    const failed = failure
    const log = await readLogFrom(config.logFile, logOffset)
    const port = readyPort(log)
    if (port !== null) return port
    if (failed !== null) throw startupError(failed, config.logFile, log)
    return undefined
  }
  const timedOut = async () =>
    startupError(`nats-server not ready after ${config.readyTimeoutMs} ms`, config.logFile, await readLogFrom(config.logFile, logOffset))
  try {
    return await until(ready, { timeoutMs: config.readyTimeoutMs, everyMs: LOG_POLL_MS, timedOut })
  } finally {
    child.off('exit', onExit).off('error', onError)
  }
}

function readyPort(log: string): number | null {
  if (!log.includes(READY_LINE)) return null
  const match = LISTEN_LINE.exec(log)
  if (match?.[1] === undefined) throw new Error(`nats-server is ready but logged no client port:\n${tail(log)}`)
  return Number(match[1])
}

function startupError(reason: string, logFile: string, log: string): Error {
  // A bad flag makes nats-server print its error, then the whole usage text, then exit 0:
  // the tail would show only usage, so report the lines before it instead.
  const usageAt = log.indexOf('Usage: nats-server')
  const excerpt = usageAt > 0 ? log.slice(0, usageAt) : tail(log)
  return new Error(`${reason}; from ${logFile}:\n${excerpt.trimEnd()}`)
}

function natsUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `nats://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
}
