// Where the WebSocket benchmark's API runs: inline, in the benchmark process
// beside its clients (as one `npm start` process serves everyone), or in a
// child process of its own, so clients and server do not share an event loop
// and the server's CPU can be told apart from the clients'.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { EventLog } from '../../core/log/event-log.js'
import { tieToParent } from '../servers/tie-to-parent.js'
import type { ChildConfig, ChildUsage } from './ws-api-process.js'
import { dropBenchViews, startBenchApi, type Secrets } from './ws-api.js'

export type ApiPlacement = 'inline' | 'child'

export interface WsStack {
  placement: ApiPlacement
  url: string
  settle(): Promise<void>
  /** The API process's own usage when it is not this process. */
  usage(): Promise<ChildUsage | undefined>
  /** The same after a full garbage collection in the API process. */
  collected(): Promise<ChildUsage | undefined>
  /** The API process's pid (this one's when inline). */
  pid: number
  /** Stops the API and deletes its views. */
  stop(): Promise<void>
}

const CHILD_TIMEOUT_MS = 120_000
const EXIT_GRACE_MS = 10_000

export async function startStack(placement: ApiPlacement, log: EventLog, servers: string, bucket: string, secrets: Secrets): Promise<WsStack> {
  return placement === 'inline' ? inlineStack(log, bucket, secrets) : childStack(log, servers, bucket, secrets)
}

async function inlineStack(log: EventLog, bucket: string, secrets: Secrets): Promise<WsStack> {
  const api = await startBenchApi(log, bucket, secrets)
  return {
    placement: 'inline',
    url: api.url,
    settle: () => api.settle(),
    usage: async () => undefined,
    collected: async () => undefined,
    pid: process.pid,
    async stop() {
      try {
        await api.stop()
      } finally {
        await dropBenchViews(log, bucket)
      }
    },
  }
}

async function childStack(log: EventLog, servers: string, bucket: string, secrets: Secrets): Promise<WsStack> {
  const config: ChildConfig = { servers, names: log.names, bucket, secrets }
  const script = fileURLToPath(new URL('./ws-api-process.js', import.meta.url))
  // The benchmark's node flags go along (--cpu-prof, heap limits), so both processes can be profiled alike.
  // --expose-gc: memory per idle connection is read after a full collection.
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', script], { env: { ...process.env, SEQLINE_BENCH_WS: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit'] })
  const untie = tieToParent(child.pid!)
  const lines = lineReader(child)
  const url = (await lines.next('READY')).trim()
  const ask = async (request: string, tag: string) => {
    child.stdin!.write(`${request}\n`)
    return lines.next(tag)
  }
  return {
    placement: 'child',
    url,
    settle: async () => void (await ask('settle', 'SETTLED')),
    usage: async () => JSON.parse(await ask('usage', 'USAGE')) as ChildUsage,
    collected: async () => JSON.parse(await ask('gc', 'USAGE')) as ChildUsage,
    pid: child.pid!,
    async stop() {
      try {
        await ask('stop', 'STOPPED')
        // It exits by itself right after; a signal now would cut short what it writes on exit (a --cpu-prof profile).
        await exited(child, EXIT_GRACE_MS)
        untie()
      } finally {
        if (child.exitCode === null) child.kill('SIGTERM')
        await dropBenchViews(log, bucket)
      }
    },
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Answers of the child in order: next(tag) waits for the next line, which must carry that tag (ERR and exit reject). */
function lineReader(child: ChildProcess) {
  const queue: string[] = []
  let wake: (() => void) | null = null
  let ended = false
  createInterface({ input: child.stdout! }).on('line', (line) => {
    queue.push(line)
    wake?.()
  })
  child.once('exit', (code) => {
    ended = true
    queue.push(`ERR the API process exited (${code})`)
    wake?.()
  })
  return {
    async next(tag: string): Promise<string> {
      const deadline = Date.now() + CHILD_TIMEOUT_MS
      while (queue.length === 0) {
        if (Date.now() > deadline) throw new Error(`the API process did not answer ${tag} in ${CHILD_TIMEOUT_MS} ms`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 1000)
        })
        wake = null
      }
      const line = queue.shift()!
      const space = line.indexOf(' ')
      const [got, rest] = space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)]
      if (got !== tag) throw new Error(`the API process answered ${line}${ended ? '' : ` (expected ${tag})`}`)
      return rest
    },
  }
}
