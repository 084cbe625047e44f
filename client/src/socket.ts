import { SeqlineError } from './errors.js'
import { Ordering } from './ordering.js'
import type { ClientFrame, SeqlineEvent, ServerFrame } from './schema.js'
import { Saver, type Store } from './stores.js'
import { newCommandId, type SocketConstructor, type SocketLike, type TokenSource, tokenOf } from './transport.js'
import type { AckFrame, PresenceStatus, SocketCommand } from './types.js'

/** 4401: the token was refused (see CLOSE in schemas/ws.ts; repeated so the client needs no schema code at run time). */
const CLOSE_UNAUTHORIZED = 4401
/** A client-side close: the server stopped answering. */
const CLOSE_UNRESPONSIVE = 4000
/** Refusals that say nothing about the command itself: an outbox keeps it and sends it again on the next connect. */
const TRANSIENT = new Set(['LOG_UNAVAILABLE', 'CONTENTION', 'RATE_LIMITED'])

export interface SocketOptions {
  /** The API's base URL, http(s)://host:port; the socket goes to /v1/ws on it. */
  url: string
  token: TokenSource
  /** The WebSocket constructor: `ws`'s in Node 20, the browser's by default. */
  WebSocket?: SocketConstructor
  /** Highest seq the app already holds per conversation (e.g. persisted from positions()); others are synced from seq 1. */
  have?: Record<string, number>
  /**
   * Where the positions are kept between runs (memory by default; IndexedDbStore in a browser, FileStore
   * from `@seqline/client/node`): loaded before the first connect, saved as events are delivered.
   */
  positions?: Store<Record<string, number>>
  /**
   * Where commands not yet acknowledged are kept: with one, a command survives reconnects and restarts until
   * it is acknowledged or refused, and is sent again with its id (the server writes it once). Without one,
   * commands wait for their ack across reconnects only, until commandTimeoutMs.
   */
  outbox?: Store<QueuedCommand[]>
  /** A conversation the client holds nothing of (not in `have` or the position store) is synced from its latest N events only, not its whole history. */
  latest?: number
  /** How long sendCommand waits for its ack, across reconnects. */
  commandTimeoutMs?: number
  /** Reconnect delay: doubles from initialMs up to maxMs, with jitter. */
  backoff?: { initialMs: number; maxMs: number }
  /** The client pings this often; no frame at all for twice as long means the connection is dead. */
  keepaliveMs?: number
}

export type Ack = Omit<AckFrame, 'type' | 'rid'>

/** A command waiting in the outbox: with its id, so sending it again is safe. */
export type QueuedCommand = SocketCommand

/** A command as sendCommand takes it: the id is optional (one is generated; pass your own to retry safely later). */
export type OutgoingCommand = SocketCommand extends infer C ? (C extends { id: string } ? Omit<C, 'id'> & { id?: string } : never) : never

export interface SocketEvents {
  /** A new event, once per (conv, seq), in seq order per conversation. */
  event: (event: SeqlineEvent) => void
  /** Seqs this client will never get (burned, or another member's private event): holes to skip. */
  erased: (info: { conv: string; seqs: number[] }) => void
  typing: (info: { conv: string; user: string }) => void
  /** A sync finished: everything up to the moment it was served has been delivered. */
  synced: () => void
  open: () => void
  close: (info: { code: number; reason: string; reconnecting: boolean }) => void
  /** A latest-N sync left out the seqs up to `upTo`: older history is there to pull by seq range. */
  skipped: (info: { conv: string; upTo: number }) => void
  /** A command's outcome, for every command, also those restored from the outbox after a restart. */
  command: (info: { id: string; type: string; ack?: Ack; error?: SeqlineError }) => void
  /** An error frame that answers no command (e.g. typing in a conversation the user is not in), or a store that failed. */
  error: (error: SeqlineError) => void
}

interface Pending {
  frame: ClientFrame & { type: 'command' }
  /** Absent for a command restored from the outbox, or whose caller stopped waiting while the outbox keeps it. */
  caller?: { resolve(ack: Ack): void; reject(err: SeqlineError): void; timer: ReturnType<typeof setTimeout> }
}

/**
 * The live connection. On every (re)connect it syncs with the highest seq it
 * holds per conversation, so it receives exactly what it missed. Live events
 * can overlap a sync, so each event is deduplicated by (conv, seq) and held
 * back while an earlier seq is missing; a gap seen outside a sync (e.g. the
 * user was added to a group) triggers another sync. Commands wait for their
 * ack across reconnects and are re-sent with the same rid and command id,
 * which the server deduplicates; with an outbox store they also outlive the
 * process. Positions are loaded from their store before the first connect,
 * so a restarted app resumes where it was.
 */
export class SeqlineSocket {
  private readonly ordering: Ordering
  private readonly listeners: { [K in keyof SocketEvents]: Set<SocketEvents[K]> } = {
    event: new Set(),
    erased: new Set(),
    typing: new Set(),
    synced: new Set(),
    skipped: new Set(),
    command: new Set(),
    open: new Set(),
    close: new Set(),
    error: new Set(),
  }
  private readonly pending = new Map<string, Pending>()
  private readonly Ctor: SocketConstructor
  /** Null without a store: positions() is the memory, and nothing needs saving. */
  private readonly positionSaver: Saver<Record<string, number>> | null
  private readonly outboxSaver: Saver<QueuedCommand[]> | null
  /** Resolves once the stores are loaded; nothing is sent before. */
  private readonly loaded: Promise<void>
  private outboxLoaded = false
  private socket: SocketLike | null = null
  private open = false
  private stopped = false
  private attempts = 0
  private authFailures = 0
  private syncing = false
  private gapsAfterSync = ''
  private nextRid = 0
  private lastFrameAt = 0
  private keepalive: ReturnType<typeof setInterval> | null = null
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly options: SocketOptions) {
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket
    if (!Ctor) throw new Error('no WebSocket here: pass one (in Node 20: `import { WebSocket } from "ws"`)')
    this.Ctor = Ctor
    this.ordering = new Ordering(options.have)
    const failed = (what: string) => (err: unknown) => this.emit('error', new SeqlineError('STORE', `${what}: ${(err as Error).message}`))
    this.positionSaver = options.positions ? new Saver(options.positions, failed('saving positions')) : null
    this.outboxSaver = options.outbox ? new Saver(options.outbox, failed('saving the outbox')) : null
    this.loaded = this.load()
    void this.loaded.then(() => this.connect())
  }

  on<K extends keyof SocketEvents>(name: K, listener: SocketEvents[K]): () => void {
    this.listeners[name].add(listener)
    return () => this.listeners[name].delete(listener)
  }

  /**
   * Sends a command and resolves with its ack ({conv, seq, duplicate}); rejects with the server's refusal or
   * TIMEOUT. With an outbox, a TIMEOUT only ends the wait: the command stays queued and is sent again.
   */
  sendCommand(command: OutgoingCommand): Promise<Ack> {
    if (this.stopped) return Promise.reject(new SeqlineError('CLOSED', 'the socket was closed'))
    const rid = `r${++this.nextRid}`
    const frame = { type: 'command', rid, command: { ...command, id: command.id ?? newCommandId() } } as Pending['frame']
    return new Promise<Ack>((resolve, reject) => {
      const timeoutMs = this.options.commandTimeoutMs ?? 10_000
      const timer = setTimeout(() => this.timedOut(rid, new SeqlineError('TIMEOUT', `no ack for ${command.type} in ${timeoutMs} ms`)), timeoutMs)
      this.pending.set(rid, { frame, caller: { resolve, reject, timer } })
      this.saveOutbox()
      if (this.open) this.write(frame)
    })
  }

  /** Commands not yet acknowledged, with their ids, in the order they were sent. */
  queued(): QueuedCommand[] {
    return [...this.pending.values()].map((p) => p.frame.command)
  }

  /** Resolves when the positions and the outbox given so far are in their stores (e.g. before a page unloads). */
  async flushed(): Promise<void> {
    await this.loaded
    await Promise.all([this.positionSaver?.flushed(), this.outboxSaver?.flushed()])
  }

  /** Tells the other members the user is typing (dropped while disconnected: it is ephemeral). */
  typing(conv: string): void {
    this.write({ type: 'typing', conv })
  }

  presence(status: PresenceStatus): void {
    this.write({ type: 'presence', status })
  }

  /** Highest seq delivered per conversation; persist it and pass it as `have` to resume later. */
  positions(): Record<string, number> {
    return this.ordering.positions()
  }

  get connected(): boolean {
    return this.open
  }

  /** Closes for good: no reconnect; callers still waiting are rejected (an outbox keeps their commands for the next start). */
  close(): void {
    this.stopped = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.drop(1000, 'closed by the client')
    this.emit('close', { code: 1000, reason: 'closed by the client', reconnecting: false })
    this.abandon(new SeqlineError('CLOSED', 'the socket was closed'))
  }

  /** Loads the positions and the outbox; a store that fails to load is reported and the client starts without it. */
  private async load(): Promise<void> {
    try {
      const held = await this.options.positions?.load()
      if (held) this.deliver(this.ordering.resume(held), false)
    } catch (err) {
      this.emit('error', new SeqlineError('STORE', `loading positions: ${(err as Error).message}`))
    }
    try {
      this.restore((await this.options.outbox?.load()) ?? [])
    } catch (err) {
      this.emit('error', new SeqlineError('STORE', `loading the outbox: ${(err as Error).message}`))
    }
    this.outboxLoaded = true
    this.saveOutbox()
  }

  /** Puts the commands of a previous run first in the queue, ahead of any sent while the stores were loading. */
  private restore(commands: QueuedCommand[]): void {
    const sentMeanwhile = [...this.pending]
    const known = new Set(sentMeanwhile.map(([, p]) => p.frame.command.id))
    this.pending.clear()
    for (const command of commands) {
      if (known.has(command.id)) continue
      const rid = `r${++this.nextRid}`
      this.pending.set(rid, { frame: { type: 'command', rid, command } })
    }
    for (const [rid, p] of sentMeanwhile) this.pending.set(rid, p)
  }

  private async connect(): Promise<void> {
    let token: string
    try {
      token = await tokenOf(this.options.token)
    } catch (err) {
      return this.closed(CLOSE_UNAUTHORIZED, `no token: ${(err as Error).message}`)
    }
    if (this.stopped) return
    const url = `${this.options.url.replace(/^http/, 'ws').replace(/\/$/, '')}/v1/ws?token=${encodeURIComponent(token)}`
    const socket = new this.Ctor(url)
    this.socket = socket
    // Events of a socket this client has given up on are ignored.
    const current = () => this.socket === socket
    socket.addEventListener('open', () => current() && this.opened())
    socket.addEventListener('message', (e) => current() && this.receive(String(e.data)))
    socket.addEventListener('close', (e) => current() && this.closed(e.code, e.reason))
    socket.addEventListener('error', () => undefined)
  }

  private opened(): void {
    this.open = true
    this.attempts = 0
    this.lastFrameAt = Date.now()
    this.syncing = false
    this.gapsAfterSync = ''
    this.sync()
    for (const p of this.pending.values()) this.write(p.frame)
    this.startKeepalive()
    this.emit('open')
  }

  private receive(text: string): void {
    this.lastFrameAt = Date.now()
    let frame: ServerFrame
    try {
      frame = JSON.parse(text) as ServerFrame
    } catch {
      return
    }
    switch (frame.type) {
      case 'event':
        return this.deliver(this.ordering.push(frame.event), true)
      case 'erased':
        this.emit('erased', { conv: frame.conv, seqs: frame.seqs })
        return this.deliver(this.ordering.erase(frame.conv, frame.seqs), false)
      case 'skipped':
        this.emit('skipped', { conv: frame.conv, upTo: frame.upTo })
        return this.deliver(this.ordering.skip(frame.conv, frame.upTo), false)
      case 'synced':
        return this.synced()
      case 'ack':
        return this.settle(frame.rid, { conv: frame.conv, seq: frame.seq, duplicate: frame.duplicate })
      case 'error': {
        const err = new SeqlineError(frame.error.code, frame.error.message, frame.error.details)
        if (frame.rid !== undefined && this.pending.has(frame.rid)) return this.settle(frame.rid, err)
        return this.emit('error', err)
      }
      case 'typing':
        return this.emit('typing', { conv: frame.conv, user: frame.user })
      case 'pong':
        return
    }
  }

  private deliver(ready: SeqlineEvent[], mayOpenGap: boolean): void {
    for (const event of ready) this.emit('event', event)
    if (ready.length > 0 || !mayOpenGap) this.positionSaver?.save(this.ordering.positions())
    // An event ahead of a gap outside a sync: ask for what is missing (a sync during one is checked when it ends).
    if (mayOpenGap && !this.syncing && this.ordering.gaps() !== '') this.sync()
  }

  private synced(): void {
    this.syncing = false
    this.authFailures = 0
    this.emit('synced')
    // Gaps a sync did not fill are asked for once more, not in a loop.
    const gaps = this.ordering.gaps()
    if (gaps !== '' && gaps !== this.gapsAfterSync) this.sync()
    this.gapsAfterSync = gaps
  }

  private sync(): void {
    if (!this.open || this.syncing) return
    this.syncing = true
    const latest = this.options.latest
    this.write({ type: 'sync', have: this.ordering.positions(), ...(latest === undefined ? {} : { latest }) })
  }

  /** An answer from the server: the command leaves the queue, unless an outbox keeps it through a transient refusal. */
  private settle(rid: string, outcome: Ack | SeqlineError): void {
    const p = this.pending.get(rid)
    if (!p) return
    const keep = this.outboxSaver !== null && outcome instanceof SeqlineError && TRANSIENT.has(outcome.code)
    if (!keep) this.pending.delete(rid)
    this.saveOutbox()
    const { id, type } = p.frame.command
    this.emit('command', outcome instanceof SeqlineError ? { id, type, error: outcome } : { id, type, ack: outcome })
    this.answer(p, outcome)
  }

  /** The caller stops waiting; without an outbox the command is given up too. */
  private timedOut(rid: string, err: SeqlineError): void {
    const p = this.pending.get(rid)
    if (!p) return
    if (!this.outboxSaver) this.pending.delete(rid)
    this.answer(p, err)
  }

  private answer(p: Pending, outcome: Ack | SeqlineError): void {
    const caller = p.caller
    if (!caller) return
    p.caller = undefined
    clearTimeout(caller.timer)
    if (outcome instanceof SeqlineError) caller.reject(outcome)
    else caller.resolve(outcome)
  }

  /** Ends every wait; an outbox keeps the commands themselves for the next start. */
  private abandon(err: SeqlineError): void {
    for (const [rid, p] of [...this.pending]) {
      if (!this.outboxSaver) this.pending.delete(rid)
      this.answer(p, err)
    }
  }

  /** Saves the queue, once the previous run's is loaded: saving before would overwrite it. */
  private saveOutbox(): void {
    if (this.outboxLoaded) this.outboxSaver?.save(this.queued())
  }

  private closed(code: number, reason: string): void {
    this.open = false
    this.socket = null
    this.stopKeepalive()
    if (code === CLOSE_UNAUTHORIZED) this.authFailures++
    // A refused token is refused again unless a token function can give a new one; two refusals in a row end it.
    const hopeless = code === CLOSE_UNAUTHORIZED && (typeof this.options.token === 'string' || this.authFailures >= 2)
    const reconnecting = !this.stopped && !hopeless
    this.emit('close', { code, reason, reconnecting })
    if (!reconnecting) {
      this.stopped = true
      return this.abandon(new SeqlineError('UNAUTHORIZED', reason || 'the token was refused'))
    }
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 250, maxMs: 10_000 }
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempts++) * (0.5 + Math.random() / 2)
    this.reconnectTimer = setTimeout(() => void this.connect(), delay)
  }

  /** Gives up on the current socket at once (its later events are ignored). */
  private drop(code: number, reason: string): void {
    const socket = this.socket
    this.socket = null
    this.open = false
    this.stopKeepalive()
    try {
      socket?.close(code, reason)
    } catch {
      // Already closing.
    }
  }

  private startKeepalive(): void {
    const every = this.options.keepaliveMs ?? 25_000
    this.keepalive = setInterval(() => {
      if (Date.now() - this.lastFrameAt <= 2 * every) return this.write({ type: 'ping' })
      this.drop(CLOSE_UNRESPONSIVE, 'no answer from the server')
      this.closed(CLOSE_UNRESPONSIVE, 'no answer from the server')
    }, every)
  }

  private stopKeepalive(): void {
    if (this.keepalive) clearInterval(this.keepalive)
    this.keepalive = null
  }

  private write(frame: ClientFrame): void {
    if (!this.open || !this.socket) return
    this.socket.send(JSON.stringify(frame))
  }

  private emit<K extends keyof SocketEvents>(name: K, ...args: Parameters<SocketEvents[K]>): void {
    for (const listener of this.listeners[name]) {
      try {
        ;(listener as (...a: Parameters<SocketEvents[K]>) => void)(...args)
      } catch {
        // A listener's bug must not break delivery to the others or the protocol state.
      }
    }
  }
}
