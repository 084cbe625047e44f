import { setTimeout as sleep } from 'node:timers/promises'
import { type Cursor, decodeEvent, type EventLog, type JoinNotice, type LiveCopy, type LiveSubscription, type StoredEvent } from '../../core/log/index.js'
import type { Logger } from '../../projections/runtime/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import type { LiveSource } from './live-source.js'
import { NOTHING_LIVE } from './sync.js'

/** Events read from the log per round trip while filling a gap. */
const PAGE = 200
const RETRY_MS = 1000
/** Reads of a gap that come back short of it before its end is taken as erased: a replica answering reads may lag the copy. */
const SHORT_READS = 5
const SHORT_READ_PAUSE_MS = 100

/** A copy with the event it holds. */
type DecodedCopy = LiveCopy & { event: SeqlineEvent }

/** One conversation a local socket is in. */
interface Watched {
  readonly conv: string
  sub: LiveSubscription | null
  /** The last seq routed here: later events arrive as copies or are read in, earlier ones are a sync's to serve. */
  delivered: number
  /** Copies that came while the log was being read, or ahead of a gap. */
  pending: DecodedCopy[]
  /** Look at the conversation's head once the copies at hand are handled. */
  recheck: boolean
  busy: boolean
  closed: boolean
}

export interface InterestFeedParts {
  /** Hands one event to the hub's routing, in seq order per conversation. */
  route(event: SeqlineEvent, body: Uint8Array | undefined): void
  /** Whether a local socket is still in the conversation. */
  wanted(conv: string): boolean
  /**
   * Join notices may have been lost: connections check their memberships
   * against the views. After a reconnect the views are first let reach the
   * log's end (`end`), since joins stored meanwhile were not announced here.
   */
  missedJoins(end?: Cursor): void
  logger: Logger
  /**
   * How often every watched conversation's head is compared with what was
   * routed, and connections' memberships with the views: for copies and
   * notices lost while the connection stayed up (a writer that died between
   * its append and its notice, interest not yet spread over a cluster).
   */
  checkMs: number
}

/**
 * Live events by interest: a process subscribes to the live copies of the
 * conversations its sockets are in (core/log LiveCopies) and to the join
 * notices of its connected users, and receives nothing of the rest of the
 * log. Copies are at most once, so order and completeness rest on the
 * conversation seq: a copy past a gap waits while the gap is read from the
 * log, an old one is dropped, and whenever copies may have been lost (a
 * subscription just made, the connection back, a periodic check) the
 * conversation's head is read and anything missing read in.
 */
export class InterestFeed implements LiveSource {
  private readonly watched = new Map<string, Watched>()
  /** Join notices of the users with a socket here. */
  private readonly users = new Map<string, LiveSubscription>()
  private check: NodeJS.Timeout | null = null
  private stopGaps: () => void = () => undefined
  /** The read of the log's end under way, and the one that follows it, shared by the sessions that ask meanwhile. */
  private ending: Promise<Cursor> | null = null
  private nextEnding: Promise<Cursor> | null = null

  constructor(
    private readonly log: EventLog,
    private readonly parts: InterestFeedParts,
  ) {}

  async start(): Promise<void> {
    this.stopGaps = this.log.onLiveGap(() => this.recheckAll(true))
    this.check = setInterval(() => this.recheckAll(false), this.parts.checkMs)
    this.check.unref()
  }

  async stop(): Promise<void> {
    this.stopGaps()
    if (this.check) clearInterval(this.check)
    for (const conv of [...this.watched.keys()]) this.unwatch(conv)
    for (const sub of this.users.values()) sub.close()
    this.users.clear()
  }

  /** The log's end once the user's join notices are subscribed: joins stored later are announced, earlier ones are in the views. */
  async seedPoint(user: string): Promise<Cursor> {
    await this.users.get(user)?.ready
    return this.endFromNow()
  }

  /**
   * The log's end, read from now on. A read under way may have begun before
   * the caller's subscription stood, so the caller takes the next one, which
   * everyone asking meanwhile shares: at most two reads, one after the other.
   */
  private endFromNow(): Promise<Cursor> {
    if (!this.ending) return this.readEnd()
    const settled = this.ending.then(
      () => undefined,
      () => undefined,
    )
    this.nextEnding ??= settled.then(() => {
      this.nextEnding = null
      return this.readEnd()
    })
    return this.nextEnding
  }

  private readEnd(): Promise<Cursor> {
    const read = this.log.end()
    this.ending = read
    const done = () => {
      if (this.ending === read) this.ending = null
    }
    read.then(done, done)
    return read
  }

  watchUser(user: string): void {
    if (this.users.has(user)) return
    this.users.set(
      user,
      this.log.subscribeJoins(user, (join) => this.joined(join)),
    )
  }

  unwatchUser(user: string): void {
    this.users.get(user)?.close()
    this.users.delete(user)
  }

  liveAfter(conv: string): (stored: StoredEvent) => boolean {
    const delivered = this.watched.get(conv)?.delivered
    // Not watched: nothing of it will come live, so a sync serves it all.
    if (delivered === undefined) return NOTHING_LIVE
    return (stored) => stored.event.seq > delivered
  }

  watch(conv: string, asOf: number): void {
    if (this.watched.has(conv)) return
    const w: Watched = { conv, sub: null, delivered: asOf, pending: [], recheck: false, busy: false, closed: false }
    this.watched.set(conv, w)
    w.sub = this.log.subscribeLive(conv, (copy) => this.arrived(w, copy))
    // What was stored before the server had the interest is read from the log; a failed subscription is retried with the connection.
    w.sub.ready.then(
      () => this.recheck(w),
      () => undefined,
    )
  }

  unwatch(conv: string): void {
    const w = this.watched.get(conv)
    if (!w) return
    w.closed = true
    this.watched.delete(conv)
    w.sub?.close()
  }

  /** A user connected here was added to a conversation: its events from the join on are subscribed unless they already come. */
  private joined(join: JoinNotice): void {
    if (this.watched.has(join.conv)) return
    this.watch(join.conv, join.seq - 1)
  }

  private arrived(w: Watched, received: LiveCopy): void {
    if (w.closed) return
    const copy = decodedCopy(w.conv, received)
    if (!copy) return
    if (!w.busy && w.pending.length === 0) {
      if (copy.seq <= w.delivered) return
      if (copy.seq === w.delivered + 1) return this.routeCopy(w, copy)
    }
    w.pending.push(copy)
    this.work(w)
  }

  private routeCopy(w: Watched, copy: DecodedCopy): void {
    w.delivered = copy.seq
    this.parts.route(copy.event, copy.body)
  }

  private recheckAll(afterGap: boolean): void {
    for (const w of this.watched.values()) this.recheck(w)
    if (this.users.size === 0) return
    if (!afterGap) return this.parts.missedJoins()
    this.endFromNow().then(
      (end) => this.parts.missedJoins(end),
      (err: unknown) => this.parts.logger.warn({ err }, "live delivery could not read the log's end to check memberships"),
    )
  }

  private recheck(w: Watched): void {
    w.recheck = true
    this.work(w)
  }

  /** Runs one conversation's catching up, one at a time; a failure leaves it to be tried again. */
  private work(w: Watched): void {
    if (w.busy || w.closed) return
    w.busy = true
    this.catchUp(w).then(
      () => {
        w.busy = false
        // Watched for a join notice whose user is gone, or whose join a later event undid.
        if (!w.closed && !this.parts.wanted(w.conv)) this.unwatch(w.conv)
      },
      (err: unknown) => {
        w.busy = false
        if (w.closed) return
        w.recheck = true
        this.parts.logger.warn({ err, conv: w.conv }, 'live delivery could not read a gap from the log; retrying')
        setTimeout(() => this.work(w), RETRY_MS).unref()
      },
    )
  }

  /** Routes, in order, the copies at hand from after what was routed up to `end`, leaving later ones waiting. */
  private routePendingUpTo(w: Watched, end: number): void {
    w.pending.sort((a, b) => a.seq - b.seq)
    while (!w.closed && w.pending.length > 0 && w.pending[0]!.seq <= end) {
      const copy = w.pending.shift()!
      if (copy.seq > w.delivered) this.routeCopy(w, copy)
    }
  }

  private async catchUp(w: Watched): Promise<void> {
    while (!w.closed && (w.recheck || w.pending.length > 0)) {
      if (w.recheck) {
        w.recheck = false
        await this.readIn(w, (await this.log.head(w.conv)).seq)
      }
      while (!w.closed && w.pending.length > 0) {
        w.pending.sort((a, b) => a.seq - b.seq)
        const copy = w.pending[0]!
        if (copy.seq > w.delivered + 1) {
          await this.readIn(w, copy.seq - 1)
          continue
        }
        w.pending.shift()
        if (copy.seq > w.delivered) this.routeCopy(w, copy)
      }
    }
  }

  /**
   * Routes the conversation's events after what was routed, up to `to` (a seq
   * known to be stored), read from the log. Seqs missing before an event the
   * read returned are erased; missing at the end they may be erased or not yet
   * on the replica that answered, so the read is tried again a few times first.
   */
  private async readIn(w: Watched, to: number): Promise<void> {
    for (let short = 0; !w.closed && w.delivered < to; ) {
      const from = w.delivered + 1
      const limit = Math.min(PAGE, to - from + 1)
      const page = await this.log.read(w.conv, { from, limit })
      const before = w.delivered
      for (const { event } of page) {
        // A route can end the watch (its last local member removed): nothing more goes out of this one.
        if (w.closed) return
        if (event.seq <= w.delivered || event.seq > to) continue
        w.delivered = event.seq
        this.parts.route(event, undefined)
      }
      const end = from + limit - 1
      if (w.delivered >= end) continue
      if (w.delivered > before) short = 0
      if (++short < SHORT_READS) {
        await sleep(SHORT_READ_PAUSE_MS)
        continue
      }
      // Still missing: erased, but for the copies at hand, which are the events themselves.
      this.routePendingUpTo(w, end)
      w.delivered = Math.max(w.delivered, end)
      short = 0
    }
  }
}

/**
 * The copy with its event, decoded once; null unless it is the event its
 * header says, of the conversation it came for: what else reaches the
 * subject (a stray or forged publish) must not move where delivery stands.
 */
function decodedCopy(conv: string, copy: LiveCopy): DecodedCopy | null {
  try {
    const event = decodeEvent(copy.body)
    return event.conv === conv && event.seq === copy.seq ? { ...copy, event } : null
  } catch {
    return null
  }
}
