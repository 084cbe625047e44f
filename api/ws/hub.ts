import type { Msg } from '@nats-io/transport-node'
import { isPrivate, reaches } from '../../core/domain/audience.js'
import type { Cursor, EventLog, Follower } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/events.js'
import type { PresenceStatus } from '../../schemas/ws.js'
import { encode } from './frames.js'
import { membershipChange } from './membership.js'
import type { Signals } from './signals.js'

/**
 * A text frame ready for the wire: a string, or its UTF-8 bytes when one frame
 * goes to many sockets (encoded once, so no socket encodes it again).
 */
export type WireFrame = string | Buffer

/** One connection as the hub sees it. */
export interface LiveTarget {
  readonly user: string
  /**
   * A new event of the log, for a conversation the user is (or is becoming, or ceasing to be) a member of;
   * `frame` is what this user gets of it (an `erased` frame for another member's private event).
   */
  live(event: SeqlineEvent, frame: WireFrame): void
  send(frame: WireFrame): void
}

const RESTART_MS = 1000
const decoder = new TextDecoder()

/**
 * Fan-out of one API process. Every process follows the whole log from NATS
 * and routes each event to its own connections of users who are members, so
 * processes share nothing and a sender and a recipient may sit on different
 * processes. The log is followed through JetStream (ordered consumers per
 * partition, from the end at start-up) rather than a core subscription to the
 * log subjects: a core subscriber also receives publishes JetStream refused
 * (an append that lost an optimistic-concurrency race carries a seq another
 * event took), which would reach clients as events that never happened.
 */
export class Hub {
  private readonly byConv = new Map<string, Set<LiveTarget>>()
  private readonly byUser = new Map<string, Set<LiveTarget>>()
  private follower: Follower | null = null
  private stopped = false
  private restartTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly log: EventLog,
    private readonly signals: Signals,
  ) {}

  async start(): Promise<void> {
    this.signals.onTyping((msg) => this.routeTyping(msg))
    // Live delivery starts after the last position of every partition.
    await this.followFrom(await this.log.end())
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.signals.stop()
    await this.follower?.stop()
  }

  /** How far live delivery has got, per partition: every event up to here was routed to the sessions present. */
  position(): Cursor {
    return { ...(this.follower?.cursor ?? {}) }
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
    addTo(this.byUser, target.user, target)
  }

  /** Forgets a closed connection everywhere. */
  remove(target: LiveTarget, convs: Iterable<string>): void {
    removeFrom(this.byUser, target.user, target)
    for (const conv of convs) removeFrom(this.byConv, conv, target)
  }

  /** Keeps the conversation index in step with a connection's memberships. */
  index(target: LiveTarget, conv: string, member: boolean): void {
    if (member) addTo(this.byConv, conv, target)
    else removeFrom(this.byConv, conv, target)
  }

  publishTyping(conv: string, user: string): void {
    this.signals.publishTyping(conv, user)
  }

  publishPresence(user: string, status: PresenceStatus): void {
    this.signals.publishPresence(user, status)
  }

  /** Members' connections get the event, and so do connections of users it adds or removes. */
  private route(event: SeqlineEvent): void {
    const members = this.byConv.get(event.conv)
    const { added, removed } = membershipChange(event)
    // live() re-indexes a target whose membership the event changes, so only then is the set copied first.
    const changes = added.length > 0 || removed.length > 0
    const targets = changes ? new Set(members) : members
    if (changes) for (const user of [...added, ...removed]) for (const t of this.byUser.get(user) ?? []) targets!.add(t)
    if (!targets || targets.size === 0) return
    // Serialised and UTF-8 encoded once: every member's socket is handed the same bytes.
    const frame = Buffer.from(encode({ type: 'event', event }))
    if (!isPrivate(event)) {
      for (const t of targets) t.live(event, frame)
      return
    }
    // A private event reaches its actor's devices; to everyone else its seq is a hole to skip, never the event.
    const hole = Buffer.from(encode({ type: 'erased', conv: event.conv, seqs: [event.seq] }))
    for (const t of targets) t.live(event, reaches(event, t.user) ? frame : hole)
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
    const frame = encode({ type: 'typing', conv: notice.conv, user: notice.user })
    for (const t of targets) if (t.user !== notice.user) t.send(frame)
  }

  private async followFrom(cursor: Cursor): Promise<void> {
    const follower = await this.log.follow(cursor, (f) => {
      try {
        this.route(f.event)
      } catch {
        // One connection's failure must not stop delivery to every other.
      }
    })
    this.follower = follower
    // Ordered consumers survive server restarts; if one still ends, resume from where it got.
    void follower.done.catch(() => undefined).then(() => this.resume(follower))
  }

  private resume(ended: Follower): void {
    if (this.stopped || this.follower !== ended) return
    this.restartTimer = setTimeout(() => {
      this.followFrom(ended.cursor).catch(() => this.resume(ended))
    }, RESTART_MS)
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key)
  if (set) set.add(value)
  else map.set(key, new Set([value]))
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key)
  if (!set) return
  set.delete(value)
  if (set.size === 0) map.delete(key)
}
