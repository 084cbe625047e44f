// Seqline as `npm start` runs it: `node dist/ops/cli.js up` in a child process
// (API, conversations projection, burns, history sink on embedded chDB, all in
// one process), on the benchmark's nats-server and a data directory of its own.
// Its CPU and memory are read from /proc, so nothing in it is instrumented.

import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { LiveDelivery } from '../../../schemas/index.js'
import { tieToParent } from '../../servers/index.js'
import type { Secrets } from '../websocket/api.js'

export interface SeqlineProcess {
  url: string
  pid: number
  stop(): Promise<void>
}

const READY_TIMEOUT_MS = 120_000
const READY_POLL_MS = 200
const EXIT_GRACE_MS = 20_000

/**
 * Starts `seqline up` and waits until its API answers ready. Extra node flags (--cpu-prof) are passed through
 * `nodeArgs`; `cli` is this build's dist/ops/cli.js unless another build's is given (to measure a baseline).
 */
export async function startSeqline(
  natsUrl: string,
  dataDir: string,
  secrets: Secrets,
  nodeArgs: string[] = [],
  cli = fileURLToPath(new URL('../../cli.js', import.meta.url)),
  live: LiveDelivery = 'log',
): Promise<SeqlineProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, [...nodeArgs, cli, 'up'], {
    env: {
      ...process.env,
      SEQLINE_NATS_URL: natsUrl,
      SEQLINE_DATA_DIR: dataDir,
      SEQLINE_API_HOST: '127.0.0.1',
      SEQLINE_API_PORT: String(port),
      SEQLINE_SERVICE_TOKEN: secrets.serviceToken,
      SEQLINE_JWT_SECRET: secrets.jwtSecret,
      // The benchmark sets the load itself: a 429 would measure the limiter.
      SEQLINE_RATE_LIMIT_PER_MINUTE: '100000000',
      SEQLINE_LOG_LEVEL: 'warn',
      SEQLINE_LIVE_DELIVERY: live,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const untie = tieToParent(child.pid!)
  const url = `http://127.0.0.1:${port}`
  try {
    await untilReady(url, child)
  } catch (err) {
    child.kill('SIGKILL')
    untie()
    throw err
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM')
      // An orderly stop writes what it was given to write on exit (a --cpu-prof profile); a hung one is killed.
      if (!(await exited(child, EXIT_GRACE_MS))) child.kill('SIGKILL')
      untie()
    },
  }
}

async function untilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) throw new Error(`seqline up exited (${child.exitCode}) before it was ready`)
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    if (Date.now() > deadline) throw new Error(`seqline up not ready at ${url} after ${READY_TIMEOUT_MS} ms`)
    await new Promise((r) => setTimeout(r, READY_POLL_MS))
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/** A port free right now (the child binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
