import { randomBytes } from 'node:crypto'
import { WebSocket } from 'ws'
import type { RunningApi } from '../../api/server.js'
import type { WholeFrame } from '../../api/ws/frames.js'
import type { ServerFrame } from '../../schemas/index.js'
import type { ApiStack } from './api.js'

/** The socket URL of an API, with the token as query parameter. */
export function wsUrl(api: RunningApi | ApiStack | string, token?: string): string {
  const base = typeof api === 'string' ? api : api.url
  const url = `${base.replace(/^http/, 'ws')}/v1/ws`
  return token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`
}

/** The text of a frame the hub hands its targets: the whole frame's payload, once its header is checked. */
export function frameText(frame: WholeFrame): string {
  if (frame[0] !== 0x81 || (frame[1] ?? 0) > 127) throw new Error(`not an unmasked final text frame: ${frame.subarray(0, 2).toString('hex')}`)
  const length7 = frame[1] ?? 0
  const payloadAt = length7 < 126 ? 2 : length7 === 126 ? 4 : 10
  const length = length7 < 126 ? length7 : length7 === 126 ? frame.readUInt16BE(2) : Number(frame.readBigUInt64BE(2))
  if (frame.length - payloadAt !== length) throw new Error(`the header says ${length} bytes; ${frame.length - payloadAt} follow`)
  return frame.subarray(payloadAt).toString('utf8')
}

/**
 * A raw socket of `user`, synced, closed when the suite ends: what it receives
 * after this is what the server sent, unbuffered.
 */
export async function syncedSocket(t: { defer(fn: () => unknown): void }, stack: ApiStack, user: string): Promise<TestSocket> {
  const socket = await TestSocket.open(wsUrl(stack, await stack.token(user)))
  t.defer(() => socket.close())
  await socket.sync()
  return socket
}

export interface Closed {
  code: number
  reason: string
}

/**
 * A raw socket for tests: every frame it receives is kept, and tests wait for
 * the frames they expect (or assert that none came) instead of sleeping.
 */
export class TestSocket {
  readonly frames: ServerFrame[] = []
  readonly closed: Promise<Closed>
  private waiters: Array<() => void> = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame)
      for (const w of this.waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })))
  }

  static open(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, options)
    const socket = new TestSocket(ws)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket))
      ws.once('error', reject)
    })
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Sends a command frame and waits for its ack or error. */
  async command(command: Record<string, unknown>, rid = randomBytes(6).toString('hex')): Promise<ServerFrame & { type: 'ack' | 'error' }> {
    this.send({ type: 'command', rid, command })
    return this.next((f): f is ServerFrame & { type: 'ack' | 'error' } => (f.type === 'ack' || f.type === 'error') && f.rid === rid)
  }

  /** The first received frame (past or future) that matches, or a timeout error. */
  async next<T extends ServerFrame>(match: (f: ServerFrame) => f is T, timeoutMs?: number): Promise<T>
  async next(match: (f: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>
  async next(match: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.frames.find(match)
      if (found) return found
      if (Date.now() >= deadline) throw new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames).slice(0, 2000)}`)
      await this.arrival(deadline - Date.now())
    }
  }

  /** Syncs from `have` and waits for `synced`; once it arrives, the connection's memberships are loaded. */
  async sync(have: Record<string, number> = {}): Promise<void> {
    const before = this.frames.filter((f) => f.type === 'synced').length
    this.send({ type: 'sync', have })
    await this.next(() => this.frames.filter((f) => f.type === 'synced').length > before)
  }

  /** Every event frame received so far, as events. */
  events(conv?: string) {
    return this.frames.flatMap((f) => (f.type === 'event' && (conv === undefined || f.event.conv === conv) ? [f.event] : []))
  }

  close(): Promise<Closed> {
    this.ws.close()
    return this.closed
  }

  private arrival(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.waiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}

/**
 * Waits for the answer to a ping: the server routes an event to all its
 * sockets at once, so once another socket of the same process got an event,
 * a socket that has answered a later ping would have got it too, if it were to.
 */
export async function barrier(socket: TestSocket): Promise<void> {
  const pongs = () => socket.frames.filter((f) => f.type === 'pong').length
  const before = pongs()
  socket.send({ type: 'ping' })
  await socket.next(() => pongs() > before)
}
