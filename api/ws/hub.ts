import type { Msg } from '@nats-io/transport-node'
import { isChannel, isPrivate, membershipChange, reaches } from '../../core/domain/index.js'
import { type Cursor, type EventLog, type Followed, isCurrentVersion, type StoredEvent } from '../../core/log/index.js'
import { type Logger, silentLogger } from '../../projections/runtime/index.js'
import type { PresenceStatus, SeqlineEvent } from '../../schemas/index.js'
import { encode, storedEventFrame, textFrame, type WholeFrame } from './frames.js'
import { mayChangeMembership } from './interest.js'
import { InterestFeed } from './interest-feed.js'
import type { LiveSource } from './live-source.js'
import { LogFeed } from './log-feed.js'
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from './options.js'
import type { Signals } from './signals.js'

/** One connection as the hub sees it. */
export interface LiveTarget {
  readonly user: string
  /**
   * A new event of the log, for a conversation the user is (or is becoming, or ceasing to be) a member of;
   * `frame` is what this user gets of it (an `erased` frame for another member's private event), built once for
   * every socket it goes to.
   */
  live(event: SeqlineEvent, frame: WholeFrame): void
  send(frame: WholeFrame): void
  /** Join notices may have been lost: the connection checks what it knows against the views (once they reach `end`, when given). */
  recheck?(end?: Cursor): void
}

const decoder = new TextDecoder()

/**
 * Fan-out of one API process: routes each live event to this process's
 * connections of users who are members (and of users it adds or removes), so
 * processes share nothing and a sender and a recipient may sit on different
 * processes. Where events come from is its LiveSource. Following the whole
 * log, events are routed by their conversation (the subject's last token)
 * before anything is decoded: one of a conversation none of this process's
 * sockets is in, that adds or removes no one, is skipped unparsed. By
 * interest, only those conversations' events arrive at all. An event that
 * goes out is framed around its stored bytes, not serialised again.
 */
export class Hub {
  private readonly byConv = new Map<string, Set<LiveTarget>>()
  private readonly byUser = new Map<string, Set<LiveTarget>>()
  private readonly source: LiveSource

  constructor(
    log: EventLog,
    private readonly signals: Signals,
    logger: Logger = silentLogger,
    /** Told, per event routed to sockets here, how long after its decision that was (ms). */
    private readonly observeLag: (ageMs: number) => void = () => undefined,
    /** Where live events come from, and how often interest checks what it may have missed. */
    options: Partial<Pick<GatewayOptions, 'liveDelivery' | 'liveCheckMs'>> = {},
  ) {
    const o = { ...DEFAULT_GATEWAY_OPTIONS, ...options }
    this.source =
      o.liveDelivery === 'interest'
        ? new InterestFeed(log, {
            route: (event, body) => this.routeSafely(event, body),
            wanted: (conv) => this.byConv.has(conv),
            missedJoins: (end) => this.recheckMemberships(end),
            logger,
            checkMs: o.liveCheckMs,
          })
        : new LogFeed(log, (f) => this.deliver(f), logger)
  }

  async start(): Promise<void> {
    this.signals.onTyping((msg) => this.routeTyping(msg))
    await this.source.start()
  }

  async stop(): Promise<void> {
    this.signals.stop()
    await this.source.stop()
  }

  /** Where the views must have got before a connection of the user seeds its memberships from them. */
  seedPoint(user: string): Promise<Cursor> {
    return this.source.seedPoint(user)
  }

  /** Per conversation, as things stand now: whether a stored event is left to live delivery rather than to a sync. */
  liveAfter(conv: string): (stored: StoredEvent) => boolean {
    return this.source.liveAfter(conv)
  }

  private deliver(f: Followed): void {
    try {
      // Decoded inside: an event this build cannot read is passed over, not retried for ever by the follower.
      if (this.concerns(f)) this.route(f.event, f.body)
    } catch {
      // One connection's failure must not stop delivery to every other.
    }
  }

  private routeSafely(event: SeqlineEvent, body: Uint8Array | undefined): void {
    try {
      this.route(event, body)
    } catch {
      // One connection's failure must not stop delivery to every other.
    }
  }

  get connections(): number {
    let n = 0
    for (const set of this.byUser.values()) n += set.size
    return n
  }

  /** Sizes of the routing indexes: connections, users, conversations. */
  stats() {
    return { connections: this.connections, users: this.byUser.size, conversations: this.byConv.size }
  }

  add(target: LiveTarget): void {
    if (addTo(this.byUser, target.user, target)) this.source.watchUser(target.user)
  }

  /** Forgets a closed connection everywhere. */
  remove(target: LiveTarget, convs: Iterable<string>): void {
    if (removeFrom(this.byUser, target.user, target)) this.source.unwatchUser(target.user)
    for (const conv of convs) this.index(target, conv, false, 0)
  }

  /** Keeps the conversation index in step with a connection's memberships, known as of `asOf`. */
  index(target: LiveTarget, conv: string, member: boolean, asOf: number): void {
    if (member) {
      if (addTo(this.byConv, conv, target)) this.source.watch(conv, asOf)
    } else if (removeFrom(this.byConv, conv, target)) this.source.unwatch(conv)
  }

  /** After join notices may have been lost: each connection compares its memberships with the views (once they reach `end`, when given). */
  private recheckMemberships(end?: Cursor): void {
    for (const set of this.byUser.values()) for (const t of set) t.recheck?.(end)
  }

  publishTyping(conv: string, user: string): void {
    this.signals.publishTyping(conv, user)
  }

  publishPresence(user: string, status: PresenceStatus): void {
    this.signals.publishPresence(user, status)
  }

  /** Whether any socket of this process may get the event, told from its conversation and bytes where the log gives them. */
  private concerns(f: Followed): boolean {
    if (f.conv === undefined || f.body === undefined || this.byConv.has(f.conv)) return true
    return this.byUser.size > 0 && mayChangeMembership(f.body)
  }

  /** Members' connections get the event, and so do connections of users it adds or removes. */
  private route(event: SeqlineEvent, body: Uint8Array | undefined): void {
    if (isChannel(event.conv) && isPrivate(event)) return this.routeToItsUsers(event, body)
    const members = this.byConv.get(event.conv)
    const { added, removed } = membershipChange(event)
    // live() re-indexes a target whose membership the event changes, so only then is the set copied first.
    const changes = added.length > 0 || removed.length > 0
    const targets = changes ? new Set(members) : members
    if (changes) for (const user of [...added, ...removed]) for (const t of this.byUser.get(user) ?? []) targets!.add(t)
    if (!targets || targets.size === 0) return
    this.observeLag(Date.now() - event.at)
    // Framed once: every member's socket is handed the same bytes.
    const frame = eventFrame(event, body)
    if (!isPrivate(event)) {
      for (const t of targets) t.live(event, frame)
      return
    }
    // A private event reaches its actor's devices; to everyone else its seq is a hole to skip, never the event.
    const hole = textFrame(encode({ type: 'erased', conv: event.conv, seqs: [event.seq] }))
    for (const t of targets) t.live(event, reaches(event, t.user) ? frame : hole)
  }

  /**
   * A channel's private event (a subscriber's read, join or leave) goes to the
   * connections of the users it is about, never to the other subscribers: it
   * costs the same whether 10 or 100,000 are online, and a subscriber who
   * meets its seq as a gap pulls it as an erased seq.
   */
  private routeToItsUsers(event: SeqlineEvent, body: Uint8Array | undefined): void {
    const { added, removed } = membershipChange(event)
    const targets = new Set<LiveTarget>()
    for (const user of [event.actor, ...added, ...removed]) for (const t of this.byUser.get(user) ?? []) targets.add(t)
    if (targets.size === 0) return
    this.observeLag(Date.now() - event.at)
    const frame = eventFrame(event, body)
    for (const t of targets) if (reaches(event, t.user)) t.live(event, frame)
  }

  private routeTyping(msg: Msg): void {
    let notice: { conv: string; user: string }
    try {
      notice = JSON.parse(decoder.decode(msg.data)) as { conv: string; user: string }
    } catch {
      return
    }
    const targets = this.byConv.get(notice.conv)
    if (!targets) return
    const frame = textFrame(encode({ type: 'typing', conv: notice.conv, user: notice.user }))
    for (const t of targets) if (t.user !== notice.user) t.send(frame)
  }
}

/** The event frame, around the stored bytes when they are the event's JSON as it stands (no upcast changed it). */
function eventFrame(event: SeqlineEvent, body: Uint8Array | undefined): WholeFrame {
  return body !== undefined && isCurrentVersion(event) ? storedEventFrame(body) : textFrame(encode({ type: 'event', event }))
}

/** Adds to a key's set; true when the key is new. */
function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): boolean {
  const set = map.get(key)
  if (set) set.add(value)
  else map.set(key, new Set([value]))
  return !set
}

/** Removes from a key's set; true when that emptied it. */
function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): boolean {
  const set = map.get(key)
  if (!set?.delete(value) || set.size > 0) return false
  map.delete(key)
  return true
}
