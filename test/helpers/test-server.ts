import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StartedTestContainer } from 'testcontainers'

export type ServerMode = 'local' | 'container'

/** A real server owned by a test: started locally or in a container, with the same controls either way. */
export interface TestServer {
  /** Stays the same across restart(). */
  readonly url: string
  /** Scratch directory for this server (its data and log in local mode); removed by cleanup(). */
  readonly dir: string
  readonly mode: ServerMode
  restart(): Promise<void>
  /** SIGKILL: simulates a crash; restart() brings the same data back. */
  kill(): Promise<void>
  stop(): Promise<void>
  /** Stops the server and removes its data; safe to call more than once. */
  cleanup(): Promise<void>
}

export interface ServerHandle {
  url: string
  restart(): Promise<void>
  kill(): Promise<void>
  stop(): Promise<void>
  dispose(): Promise<void>
}

export interface ServerKind {
  /** Prefix of the scratch directory. */
  dirPrefix: string
  /** Environment variable forcing 'local' or 'container'. */
  modeEnv: string
  local(dir: string): Promise<ServerHandle>
  container(): Promise<ServerHandle>
}

type Testcontainers = typeof import('testcontainers')

const DOCKER_PROBE_MS = 2_000

/** Starts a server of this kind: in a container when a Docker engine is reachable, the local binary otherwise. */
export async function startTestServer(kind: ServerKind): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), kind.dirPrefix))
  try {
    const mode = await chooseMode(kind.modeEnv)
    const handle = mode === 'container' ? await kind.container() : await kind.local(dir)
    return toTestServer(handle, dir, mode)
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

function toTestServer(handle: ServerHandle, dir: string, mode: ServerMode): TestServer {
  let cleaned: Promise<void> | undefined
  const cleanup = async (): Promise<void> => {
    try {
      await handle.dispose()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  return {
    url: handle.url,
    dir,
    mode,
    restart: () => handle.restart(),
    kill: () => handle.kill(),
    stop: () => handle.stop(),
    cleanup: () => (cleaned ??= cleanup()),
  }
}

async function chooseMode(modeEnv: string): Promise<ServerMode> {
  const forced = process.env[modeEnv]
  if (forced === 'local' || forced === 'container') return forced
  if (forced) throw new Error(`${modeEnv} must be 'local' or 'container', not '${forced}'`)
  return (await dockerReachable()) ? 'container' : 'local'
}

let dockerProbe: Promise<boolean> | undefined

/** Probed once per process: every test file asks, and the answer does not change. */
function dockerReachable(): Promise<boolean> {
  dockerProbe ??= probeDocker()
  return dockerProbe
}

async function probeDocker(): Promise<boolean> {
  // The cheap check first, so machines without Docker never load testcontainers.
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false
  const probe = loadTestcontainers()
    .then((tc) => tc.getContainerRuntimeClient())
    .then(
      () => true,
      () => false,
    )
  return withinMs(probe, DOCKER_PROBE_MS, false)
}

export async function loadTestcontainers(): Promise<Testcontainers> {
  try {
    return await import('testcontainers')
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(`cannot load testcontainers on Node ${process.versions.node}: ${reason}`)
  }
}

function withinMs<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * The controls of a started container. Restarting keeps the container's
 * filesystem, and with it the server's data; the URL uses a fixed host port
 * (see ops/servers/free-port.ts), so it survives the restart too.
 */
export async function containerHandle(tc: Testcontainers, started: StartedTestContainer, url: string): Promise<ServerHandle> {
  const containers = (await tc.getContainerRuntimeClient()).container
  const container = containers.getById(started.getId())
  let running = true
  const stop = async (): Promise<void> => {
    if (!running) return
    await containers.stop(container, { timeout: 10_000 })
    running = false
  }
  const kill = async (): Promise<void> => {
    if (!running) return
    await container.kill({ signal: 'SIGKILL' })
    running = false
  }
  const restart = async (): Promise<void> => {
    await stop()
    await started.restart()
    running = true
  }
  const dispose = async (): Promise<void> => {
    await started.stop()
    running = false
  }
  return { url, restart, kill, stop, dispose }
}
