// The transport's ceiling beside the load's figures: the trivial `ws` server
// of ws-ceiling-server.ts fanning each message out to a room of 10 sockets,
// driven as hard as the clients can: 100 rooms of 10, every socket sending its
// next message as soon as its previous one came back to it. What it reaches on
// this machine (clients included) and the server's CPU per frame are what a
// WebSocket gateway in Node costs at the least.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'
import { tieToParent } from '../../servers/index.js'
import { cpuSecondsOf } from '../shared/process-usage.js'

export interface WsCeiling {
  rooms: number
  roomSize: number
  /** Messages fanned out per second (each to roomSize sockets). */
  msgsPerSecond: number
  framesPerSecond: number
  /** The server process's CPU per frame written, µs, and its share of one core. */
  serverCpuUsPerFrame: number
  serverCpuPercent: number
}

const START_TIMEOUT_MS = 10_000
const PAYLOAD = JSON.stringify({ type: 'event', text: 'x'.repeat(100) })

export async function wsCeiling(rooms: number, roomSize: number, seconds: number): Promise<WsCeiling> {
  const server = await ceilingServer()
  const sockets: WebSocket[] = []
  try {
    const port = server.port
    for (let r = 0; r < rooms; r++)
      for (let i = 0; i < roomSize; i++) sockets.push(new WebSocket(`ws://127.0.0.1:${port}/?room=${r}`, { perMessageDeflate: false }))
    await Promise.all(sockets.map((s) => once(s, 'open')))
    let frames = 0
    let running = true
    // Each socket keeps one message of its own in flight: a closed loop, as fast as the server and the clients go.
    for (const [i, s] of sockets.entries()) {
      const own = `${Math.floor(i / roomSize)}|${PAYLOAD}#${i}`
      s.on('message', (data) => {
        frames++
        if (running && String(data) === own) s.send(own)
      })
      s.send(own)
    }
    await new Promise((r) => setTimeout(r, 1000))
    const cpuBefore = await cpuSecondsOf(server.pid)
    const framesBefore = frames
    const start = performance.now()
    await new Promise((r) => setTimeout(r, seconds * 1000))
    const wall = (performance.now() - start) / 1000
    const counted = frames - framesBefore
    const cpu = ((await cpuSecondsOf(server.pid)) ?? NaN) - (cpuBefore ?? NaN)
    running = false
    return {
      rooms,
      roomSize,
      msgsPerSecond: counted / roomSize / wall,
      framesPerSecond: counted / wall,
      serverCpuUsPerFrame: (cpu * 1e6) / counted,
      serverCpuPercent: (cpu / wall) * 100,
    }
  } finally {
    for (const s of sockets) s.terminate()
    await server.stop()
  }
}

export interface CeilingServer {
  port: number
  pid: number
  stop(): Promise<void>
}

/** The trivial server of ws-ceiling-server.ts in a process of its own, listening. */
export async function ceilingServer(): Promise<CeilingServer> {
  const script = fileURLToPath(new URL('./ws-ceiling-server.js', import.meta.url))
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] })
  const untie = tieToParent(child.pid!)
  const stop = async () => {
    child.stdin!.end()
    if (!(await exitedWithin(child, 5000))) child.kill('SIGKILL')
    untie()
  }
  try {
    return { port: await portOf(child.stdout!), pid: child.pid!, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

function portOf(stdout: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ws ceiling server did not start in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS)
    createInterface({ input: stdout }).once('line', (line) => {
      clearTimeout(timer)
      resolve(Number(line))
    })
  })
}

function exitedWithin(child: ReturnType<typeof spawn>, ms: number): Promise<boolean> {
  if (child.exitCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}
