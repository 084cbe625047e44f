// One process of the WebSocket benchmark's server side (api-process.ts),
// started with its role and spoken to one request line at a time: the parent
// asks, the child answers in order, and a child that dies or errs makes the
// pending request fail instead of hanging the run.
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { tieToParent } from '../../servers/index.js'
import type { ChildConfig, ChildUsage } from './api-process.js'

export interface WsChild {
  /** The API's URL; empty for the projection alone. */
  url: string
  pid: number
  settle(): Promise<void>
  usage(): Promise<ChildUsage>
  /** The same after a full garbage collection in the child. */
  collected(): Promise<ChildUsage>
  /** Stops what it runs and waits for it to exit. */
  stop(): Promise<void>
}

const CHILD_TIMEOUT_MS = 120_000
const EXIT_GRACE_MS = 10_000

export async function startChild(config: ChildConfig): Promise<WsChild> {
  const script = fileURLToPath(new URL('./api-process.js', import.meta.url))
  // The benchmark's node flags go along (--cpu-prof, heap limits), so every process can be profiled alike.
  // --expose-gc: memory per idle connection is read after a full collection.
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', script], {
    env: { ...process.env, SEQLINE_BENCH_WS: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const untie = tieToParent(child.pid!)
  const lines = lineReader(child, `the ${config.role} process`)
  const ask = async (request: string, tag: string) => {
    child.stdin!.write(`${request}\n`)
    return lines.next(tag)
  }
  try {
    const url = (await lines.next('READY')).trim()
    return {
      url,
      pid: child.pid!,
      settle: async () => void (await ask('settle', 'SETTLED')),
      usage: async () => JSON.parse(await ask('usage', 'USAGE')) as ChildUsage,
      collected: async () => JSON.parse(await ask('gc', 'USAGE')) as ChildUsage,
      async stop() {
        try {
          await ask('stop', 'STOPPED')
          // It exits by itself right after; a signal now would cut short what it writes on exit (a --cpu-prof profile).
          await exited(child, EXIT_GRACE_MS)
          untie()
        } finally {
          if (child.exitCode === null) child.kill('SIGTERM')
        }
      },
    }
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGTERM')
    throw err
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
function lineReader(child: ChildProcess, who: string) {
  const queue: string[] = []
  let wake: (() => void) | null = null
  let ended = false
  createInterface({ input: child.stdout! }).on('line', (line) => {
    queue.push(line)
    wake?.()
  })
  child.once('exit', (code) => {
    ended = true
    queue.push(`ERR ${who} exited (${code})`)
    wake?.()
  })
  return {
    async next(tag: string): Promise<string> {
      const deadline = Date.now() + CHILD_TIMEOUT_MS
      while (queue.length === 0) {
        if (Date.now() > deadline) throw new Error(`${who} did not answer ${tag} in ${CHILD_TIMEOUT_MS} ms`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 1000)
        })
        wake = null
      }
      const line = queue.shift()!
      const space = line.indexOf(' ')
      const [got, rest] = space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)]
      if (got !== tag) throw new Error(`${who} answered ${line}${ended ? '' : ` (expected ${tag})`}`)
      return rest
    },
  }
}
