import type { RawData, WebSocket } from 'ws'
import type { Cursor } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { CLOSE, type ClientFrame, type CommandFrame, type ServerFrame, type SyncFrame } from '../../schemas/index.js'
import type { ApiDeps } from '../deps.js'
import { ApiError, toApiError } from '../errors.js'
import { answerCommand } from './command.js'
import { encode, errorFrame, parseFrame, textFrame, type WholeFrame } from './frames.js'
import { HeldFrames } from './held-frames.js'
import type { Hub, LiveTarget } from './hub.js'
import { Membership } from './membership.js'
import type { GatewayOptions } from './options.js'
import { NOTHING_LIVE, pooled, syncConversation } from './sync.js'
import type { TurnWrites } from './turn-writes.js'
import { WindowCounter } from './window-counter.js'

type SyncRequest = Omit<SyncFrame, 'type'>

export interface SessionContext {
  deps: ApiDeps
  hub: Hub
  options: GatewayOptions
  /** Coalesces each socket's frames of one event-loop turn into one write. */
  turnWrites: TurnWrites
  closed(session: Session): void
  /** A command frame's answer went to the socket, `seconds` after the frame arrived. */
  commandAnswered(answer: 'ack' | 'error', seconds: number): void
}

/** Output above this makes a sync wait for the socket to drain, so a large sync never floods memory. */
const SYNC_HIGH_WATER = 1024 * 1024
const MAX_TIMER_MS = 2 ** 31 - 1

/** One authenticated connection: its frames, its memberships, its share of the live stream. */
export class Session implements LiveTarget {
  private alive = true
  private closed = false
  private readonly membership: Membership
  private readonly ready: Promise<boolean>
  private syncRunning = false
  private readonly holding = new HeldFrames()
  private nextSync: SyncRequest | null = null
  /** Joins the views hold that this connection had not heard of at the last membership check. */
  private suspectedJoins = new Set<string>()
  private readonly badFrames: WindowCounter
  private readonly commandRate: WindowCounter
  private readonly typingAt = new Map<string, number>()
  private expiry: NodeJS.Timeout | null = null
  /** Fires when the socket closes: commands still queued for their conversation's turn are dropped. */
  private readonly gone = new AbortController()

  constructor(
    private readonly socket: WebSocket,
    readonly user: string,
    expiresAt: number | undefined,
    private readonly ctx: SessionContext,
  ) {
    const o = ctx.options
    this.membership = new Membership(user)
    this.badFrames = new WindowCounter(o.badFrameLimit, o.badFrameWindowMs)
    this.commandRate = new WindowCounter(o.commandsPerMinute ?? ctx.deps.limits.rateLimitPerMinute, 60_000)
    if (expiresAt !== undefined) this.expireAt(expiresAt)
    // Listeners go on before anything is awaited, so no early frame is lost.
    socket.on('message', (data, isBinary) => this.receive(data, isBinary))
    socket.on('pong', () => {
      this.alive = true
    })
    socket.on('close', () => this.cleanup())
    ctx.hub.add(this)
    this.ready = this.seed()
  }

  /** Closes the socket when its token expires (re-armed for expiries beyond what one timer can wait). */
  private expireAt(expiresAt: number): void {
    const wait = expiresAt - Date.now()
    this.expiry =
      wait > MAX_TIMER_MS
        ? setTimeout(() => this.expireAt(expiresAt), MAX_TIMER_MS)
        : setTimeout(() => this.close(CLOSE.UNAUTHORIZED, 'token expired'), Math.max(0, wait))
  }

  /** Called every heartbeat: a connection that did not answer the last ping is gone. */
  heartbeat(): void {
    if (!this.alive) return this.socket.terminate()
    this.alive = false
    this.socket.ping()
  }

  terminate(): void {
    this.socket.terminate()
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason)
  }

  send(frame: WholeFrame): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return
    // A client that cannot keep up is dropped rather than buffered without bound; it resyncs when it reconnects.
    if (this.socket.bufferedAmount > this.ctx.options.maxBufferedBytes) return this.socket.terminate()
    this.ctx.turnWrites.write(this.socket, frame)
  }

  live(event: SeqlineEvent, frame: WholeFrame): void {
    const was = this.membership.isMember(event.conv)
    const now = this.membership.apply(event)
    if (now !== null) this.ctx.hub.index(this, event.conv, now, event.seq)
    // Joining, the user gets the event that added them; leaving, the one that removed them; then nothing.
    if (was || now === true) this.deliver(event, frame)
  }

  /** Sends a live frame, or holds it while the replay of its conversation is still going out. */
  private deliver(event: SeqlineEvent, frame: WholeFrame): void {
    if (!this.holding.hold(event.conv, event.seq, frame)) return this.send(frame)
    // Held frames are output not yet sent: the same bound as the socket's own buffer.
    if (this.holding.bytes > this.ctx.options.maxBufferedBytes) this.socket.terminate()
  }

  /** The user's conversations from the inbox view: current members get live events, former ones only sync. */
  private async seed(): Promise<boolean> {
    try {
      // Everything after this position reaches the session live; everything before must be in the views.
      if (!(await this.viewsReach(await this.ctx.hub.seedPoint(this.user)))) {
        this.close(CLOSE.UNAVAILABLE, 'the views are behind the log; reconnect shortly')
        return false
      }
      const rows = await this.ctx.deps.views.inbox(this.user)
      if (this.closed) return false
      for (const row of rows) {
        this.membership.seed(row.conv, row.left === undefined, row.left ?? row.maxSeq)
        // Indexed as the membership now stands: a live join met while seeding may be overtaken by a removal the views hold.
        this.ctx.hub.index(this, row.conv, this.membership.isMember(row.conv), row.maxSeq)
      }
      return true
    } catch {
      this.close(CLOSE.UNAVAILABLE, 'conversations unavailable; reconnect later')
      return false
    }
  }

  /**
   * Join notices may have been lost: a membership the views hold that this
   * connection has not heard of at two checks in a row is a join it missed,
   * and the client is asked to reconnect, which seeds and syncs it afresh.
   */
  recheck(end?: Cursor): void {
    void (async () => {
      if (!(await this.ready) || this.closed || (end && !(await this.viewsReach(end)))) return
      const news = new Set<string>()
      for (const m of await this.ctx.deps.views.memberships(this.user)) if (m.member && this.membership.isNews(m.conv, true, m.asOf)) news.add(m.conv)
      // A join on its way here (notice, subscription, read) can be in the views first: only one still missing at the next check was missed.
      const missed = [...news].some((conv) => this.suspectedJoins.has(conv))
      this.suspectedJoins = news
      if (missed) this.close(CLOSE.UNAVAILABLE, 'live delivery was interrupted; reconnect')
    })().catch(() => undefined)
  }

  /** Waits (bounded) until the projection has committed at least up to the live stream's position. */
  private async viewsReach(position: Cursor): Promise<boolean> {
    const deadline = Date.now() + this.ctx.options.viewsWaitMs
    for (;;) {
      if (await this.ctx.deps.views.reaches(position)) return true
      if (this.closed || Date.now() > deadline) return false
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  private receive(data: RawData, isBinary: boolean): void {
    const arrived = performance.now()
    const parsed = parseFrame(data, isBinary)
    if (!parsed.ok) return this.badFrame(parsed.error, parsed.rid)
    const frame = parsed.frame
    if (frame.type === 'ping') return this.sendFrame({ type: 'pong' })
    this.ready.then((ok) => (ok ? this.dispatch(frame, arrived) : undefined)).catch((err: unknown) => this.sendFrame(errorFrame(toApiError(err))))
  }

  private badFrame(error: ApiError, rid?: string): void {
    this.sendFrame(errorFrame(error, rid))
    if (this.badFrames.hit()) this.close(CLOSE.POLICY, 'too many bad frames')
  }

  private async dispatch(frame: Exclude<ClientFrame, { type: 'ping' }>, arrived: number): Promise<void> {
    switch (frame.type) {
      case 'command':
        return this.command(frame, arrived)
      case 'sync':
        return this.queueSync(frame)
      case 'typing':
        return this.typing(frame.conv)
      case 'presence':
        return this.ctx.hub.publishPresence(this.user, frame.status)
    }
  }

  /** Timed from the frame's arrival, so the wait for the session's seed and for the event loop count as the client sees them. */
  private async command(frame: CommandFrame, arrived: number): Promise<void> {
    const answer = this.commandRate.hit()
      ? errorFrame(new ApiError(429, 'RATE_LIMITED', 'too many commands on this connection; slow down'), frame.rid)
      : await answerCommand(this.ctx.deps.handler, this.user, frame, this.gone.signal)
    this.sendFrame(answer)
    this.ctx.commandAnswered(answer.type === 'ack' ? 'ack' : 'error', (performance.now() - arrived) / 1000)
  }

  /**
   * One sync at a time per connection: a request that arrives while one runs
   * replaces any other waiting request, and runs once after it. Repeated sync
   * frames cannot make the server re-read the log over and over.
   */
  private queueSync(request: SyncRequest): void {
    if (this.syncRunning) {
      this.nextSync = request
      return
    }
    this.syncRunning = true
    void (async () => {
      for (let next: SyncRequest | null = request; next; next = this.takeNextSync()) await this.sync(next)
      this.syncRunning = false
    })()
  }

  private takeNextSync(): SyncRequest | null {
    const next = this.nextSync
    this.nextSync = null
    return next
  }

  /** Every event the client misses (of a conversation it holds nothing of, the latest N when asked), conversation by conversation, then `synced`. */
  private async sync({ have, latest }: SyncRequest): Promise<void> {
    const { log } = this.ctx.deps
    const targets = [...this.membership.targets()]
    // Taken together, with no await between: every event left to live delivery reaches the session
    // live, and from now on the live events of these conversations wait for their replay.
    const liveAfter = new Map(targets.map(([conv]) => [conv, this.ctx.hub.liveAfter(conv)]))
    this.holding.start(targets.map(([conv]) => conv))
    try {
      await pooled(targets, this.ctx.options.syncConcurrency, async ([conv, last]) => {
        let replayedUpTo = 0
        const emit = (frame: ServerFrame) => {
          if (frame.type === 'event') replayedUpTo = frame.event.seq
          return this.paced(frame)
        }
        const held = have[conv]
        const window = held === undefined ? latest : undefined
        // A former member's replay goes up to the removal wherever live delivery stands: the removal is known
        // (from views that may be ahead of live delivery), so live delivery passes them over up to it.
        const isLive = last === undefined ? liveAfter.get(conv)! : NOTHING_LIVE
        if (!this.closed) await syncConversation(log, this.user, conv, (held ?? 0) + 1, last, emit, isLive, window)
        // Its held live frames go out after its replay, but none the replay already sent.
        for (const frame of this.holding.release(conv, replayedUpTo)) this.send(frame)
      })
      this.sendFrame({ type: 'synced' })
    } catch {
      // The client cannot tell what it got; a reconnect gives it a fresh sync.
      if (!this.closed) this.close(CLOSE.UNAVAILABLE, 'sync failed; reconnect')
    } finally {
      this.holding.stop()
    }
  }

  private typing(conv: string): void {
    if (!this.membership.isMember(conv)) return this.sendFrame(errorFrame(new ApiError(403, 'NOT_MEMBER', `${this.user} is not a member of ${conv}`)))
    const now = Date.now()
    if (now - (this.typingAt.get(conv) ?? 0) < this.ctx.options.typingIntervalMs) return
    this.typingAt.set(conv, now)
    this.ctx.hub.publishTyping(conv, this.user)
  }

  private sendFrame(frame: ServerFrame): void {
    this.send(textFrame(encode(frame)))
  }

  /** Sends, first waiting while the socket holds more than the high-water mark; throws once closed, which ends the sync. */
  private async paced(frame: ServerFrame): Promise<void> {
    while (!this.closed && this.socket.bufferedAmount > SYNC_HIGH_WATER) await new Promise((r) => setTimeout(r, 10))
    if (this.closed) throw new Error('closed during sync')
    this.sendFrame(frame)
  }

  private cleanup(): void {
    if (this.closed) return
    this.closed = true
    this.gone.abort()
    if (this.expiry) clearTimeout(this.expiry)
    this.ctx.hub.remove(this, this.membership.current())
    this.ctx.closed(this)
  }
}
