import type { ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { request } from 'node:http'
import { dirname } from 'node:path'
import pRetry from 'p-retry'
import { until } from '../../core/index.js'
import { type ClickHouseServerOptions, resolveConfig, type ServerConfig, writeConfig } from './clickhouse-config.js'
import { freePort } from './free-port.js'
import { readLogFrom, restartable, type ServerProcess, spawnLogged, superviseLaunch, tail } from './server-process.js'

export type { ClickHouseServerOptions }

export interface RunningClickHouse {
  /** http://host:port, the same across restart(). */
  url: string
  port: number
  dataDir: string
  /** The current process; changes on restart(). */
  pid: number
  /** SIGTERM, then SIGKILL if the server has not exited after a grace period. */
  stop(): Promise<void>
  /** SIGKILL: simulates a crash. */
  kill(): Promise<void>
  /** Starts again on the same port and data dir, stopping first if running. */
  restart(): Promise<void>
}

const STOP_GRACE_MS = 15_000
const PING_POLL_MS = 20
const PING_TIMEOUT_MS = 1_000
/** A free port picked by us can be taken before the server binds it; try a few. */
const PORT_ATTEMPTS = 3

/** Starts a local clickhouse-server (see ClickHouseServerOptions) and waits until it answers. */
export async function startClickHouseServer(opts: ClickHouseServerOptions): Promise<RunningClickHouse> {
  const config = resolveConfig(opts)
  await mkdir(config.configDir, { recursive: true })
  const { current, port } = await launchOnPort(config, opts.port ?? 0)
  return Object.assign(
    restartable(current, () => launch(config, port)),
    { url: httpUrl(config.host, port), port, dataDir: config.dataDir },
  )
}

async function launchOnPort(config: ServerConfig, port: number): Promise<{ current: ServerProcess; port: number }> {
  if (port !== 0) return { current: await launch(config, port), port }
  const onFreePort = async () => {
    const picked = await freePort(config.host)
    return { current: await launch(config, picked), port: picked }
  }
  // Another process may take the free port before the server binds it: then pick another one.
  return pRetry(onFreePort, { retries: PORT_ATTEMPTS - 1, minTimeout: 0, shouldRetry: ({ error }) => error instanceof PortInUseError })
}

class PortInUseError extends Error {}

async function launch(config: ServerConfig, port: number): Promise<ServerProcess> {
  await mkdir(dirname(config.logFile), { recursive: true })
  // Readiness is a ping on the port, so a server already there (a second start on
  // the same port, or on the same data dir too) would pass for ours.
  if (await pingOk(config.host, port)) {
    throw new Error(`a ClickHouse server already answers on ${httpUrl(config.host, port)}; stop it first or pick another port`)
  }
  const configFile = await writeConfig(config, port)
  const { child, logOffset } = spawnServer(config, configFile)
  const { server } = await superviseLaunch(child, config.command, STOP_GRACE_MS, () => waitForReady(child, config, port, logOffset))
  return server
}

function spawnServer(config: ServerConfig, configFile: string): { child: ChildProcess; logOffset: number } {
  return spawnLogged(config.command, [...config.commandArgs, `--config-file=${configFile}`], config.logFile, { cwd: config.dataDir })
}

async function waitForReady(child: ChildProcess, config: ServerConfig, port: number, logOffset: number): Promise<void> {
  let failure: string | null = null
  const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    failure = `clickhouse-server exited (${signal ?? `code ${code}`}) before it was ready`
  }
  const onError = (err: Error): void => {
    failure = `clickhouse-server failed: ${err.message}`
  }
  child.once('exit', onExit).once('error', onError)
  const ready = async () => {
    // Checked before the ping: an answer from another server on a port we lost must not count.
    const failed = failure
    if (failed !== null) {
      const log = await readLogFrom(config.logFile, logOffset)
      const error = startupError(failed, config.logFile, log)
      throw /Address already in use/.test(log) ? new PortInUseError(error.message) : error
    }
    // Checked again after the ping, for a server that answered as it died.
    return (await pingOk(config.host, port)) && failure === null ? true : undefined
  }
  const timedOut = async () =>
    startupError(`clickhouse-server not ready after ${config.readyTimeoutMs} ms`, config.logFile, await readLogFrom(config.logFile, logOffset))
  try {
    await until(ready, { timeoutMs: config.readyTimeoutMs, everyMs: PING_POLL_MS, timedOut })
  } finally {
    child.off('exit', onExit).off('error', onError)
  }
}

function pingOk(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: reachableHost(host), port, path: '/ping', method: 'GET', agent: false, timeout: PING_TIMEOUT_MS }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'Ok.'))
      res.on('error', () => resolve(false))
    })
    req.on('timeout', () => req.destroy(new Error('ping timed out')))
    req.on('error', () => resolve(false))
    req.end()
  })
}

function startupError(reason: string, logFile: string, log: string): Error {
  return new Error(`${reason}; from ${logFile}:\n${tail(log).trimEnd()}`)
}

function reachableHost(host: string): string {
  return host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host
}

function httpUrl(host: string, port: number): string {
  const reachable = reachableHost(host)
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
}
