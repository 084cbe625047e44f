// The WebSocket benchmark's users: one SeqlineClient socket each (with `ws`'s
// WebSocket, as a Node app would use it), connected and synced before the load
// starts. Raw event frames are counted under the library, so an event the
// server sent twice shows even though the client deduplicates it.
import { WebSocket } from 'ws'
import { SeqlineClient, type SeqlineSocket } from '../../../client/src/index.js'
import type { SeqlineEvent } from '../../../schemas/index.js'

export interface ClientPool {
  sockets: SeqlineSocket[]
  /** Where events go; swapped between phases. Called with the arrival time (performance.now()). */
  onEvent: (user: number, event: SeqlineEvent, at: number) => void
  /** Event frames as they came off the wire, before the client's dedupe and ordering. */
  rawEventFrames(): number
  /** Events the library emitted. */
  emittedEvents(): number
  /** Closes that were followed by a reconnect: each means a resync, so the run is not the steady state it claims. */
  reconnects(): number
  close(): void
}

/** Sockets opened at once while connecting: every open reads the user's inbox view, so a stampede only measures itself. */
const CONNECT_BATCH = 50
const SYNC_TIMEOUT_MS = 60_000

let rawFrames = 0
let rawFrameBytes = 0

/** Mean size, bytes, of the event frames every pool of this process has received (their text is ASCII here). */
export const meanEventFrameBytes = (): number => rawFrameBytes / rawFrames

/** `ws`'s WebSocket, counting event frames as they arrive (the library reads the same string after). */
class CountingWebSocket extends WebSocket {
  constructor(url: string, localAddress?: string) {
    super(url, localAddress === undefined ? undefined : { localAddress })
    this.addEventListener('message', (e) => {
      if (typeof e.data !== 'string' || !e.data.startsWith('{"type":"event"')) return
      rawFrames++
      rawFrameBytes += e.data.length
    })
  }
}

/** The constructor the library gets for one socket: bound to a source address when there are several. */
function socketClass(localAddress: string | undefined): typeof CountingWebSocket {
  if (localAddress === undefined) return CountingWebSocket
  return class extends CountingWebSocket {
    constructor(url: string) {
      super(url, localAddress)
    }
  }
}

/**
 * Connects one socket per user, each told it already holds `have` (the heads
 * after setup), so the first sync sends nothing and every later event is new.
 * With `addresses` > 1, socket i leaves from 127.0.0.(1 + i mod addresses):
 * each source address has its own ~28,000 ephemeral ports towards the API.
 */
export async function connectClients(url: string, tokens: string[], have: (user: number) => Record<string, number>, addresses = 1): Promise<ClientPool> {
  const classes = Array.from({ length: addresses }, (_, a) => socketClass(addresses > 1 ? `127.0.0.${1 + a}` : undefined))
  const rawAtStart = rawFrames
  let emitted = 0
  let reconnects = 0
  const pool: ClientPool = {
    sockets: [],
    onEvent: () => undefined,
    rawEventFrames: () => rawFrames - rawAtStart,
    emittedEvents: () => emitted,
    reconnects: () => reconnects,
    close: () => {
      for (const s of pool.sockets) s.close()
    },
  }
  for (let first = 0; first < tokens.length; first += CONNECT_BATCH) {
    const batch = tokens.slice(first, first + CONNECT_BATCH).map((token, i) => {
      const user = first + i
      const socket = new SeqlineClient({ url, token }).connect({ WebSocket: classes[user % addresses]!, have: have(user) })
      socket.on('event', (event) => {
        emitted++
        pool.onEvent(user, event, performance.now())
      })
      socket.on('close', (info) => void (info.reconnecting && reconnects++))
      pool.sockets.push(socket)
      return firstSync(socket, user)
    })
    try {
      await Promise.all(batch)
    } catch (err) {
      pool.close()
      throw err
    }
  }
  return pool
}

function firstSync(socket: SeqlineSocket, user: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket of u${user} not synced after ${SYNC_TIMEOUT_MS} ms`)), SYNC_TIMEOUT_MS)
    const off = socket.on('synced', () => {
      clearTimeout(timer)
      off()
      resolve()
    })
  })
}
