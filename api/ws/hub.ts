import type { Msg } from '@nats-io/transport-node'
import { isChannel, isPrivate, membershipChange, reaches } from '../../core/domain/index.js'
import { type Cursor, type EventLog, type Followed, isCurrentVersion } from '../../core/log/index.js'
import { type Logger, Supervisor, silentLogger } from '../../projections/runtime/index.js'
import type { PresenceStatus, SeqlineEvent } from '../../schemas/index.js'
import { encode, storedEventFrame, textFrame, type WholeFrame } from './frames.js'
import { mayChangeMembership } from './interest.js'
import { LiveFollower } from './live-follower.js'
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
 *
 * Events are routed by their conversation (the subject's last token) before
 * anything is decoded: one of a conversation none of this process's sockets
 * is in, that adds or removes no one, is skipped unparsed, so a process's CPU
 * follows its own sockets' traffic, not the whole log's. An event that goes
 * out is framed around its stored bytes, not serialised again.
 */
export class Hub {
  private readonly byConv = new Map<string, Set<LiveTarget>>()
  private readonly byUser = new Map<string, Set<LiveTarget>>()
  /** Where live delivery has got, kept across restarts of the follower: a restart resumes here, not at the log's end. */
  private reached: Cursor | null = null
  private readonly supervisor: Supervisor<LiveFollower>

  constructor(
    private readonly log: EventLog,
    private readonly signals: Signals,
    logger: Logger = silentLogger,
    /** Told, per event routed to sockets here, how long after its decision that was (ms). */
    private readonly observeLag: (ageMs: number) => void = () => undefined,
  ) {
    // Ordered consumers survive server restarts; if following still fails, a fresh follower resumes from where it got.
    // Its position is in memory only: a new process has no one to deliver the past to, so it starts at the log's end.
    const from = async () => ({ ...(this.reached ??= await this.log.end()) })
    this.supervisor = new Supervisor('ws-hub', async () => new LiveFollower(log, from, (f) => this.deliver(f)), { checkMs: RESTART_MS, logger })
  }

  async start(): Promise<void> {
    this.signals.onTyping((msg) => this.routeTyping(msg))
    await this.supervisor.start()
  }

  async stop(): Promise<void> {
    this.signals.stop()
    // With the connection already closed the log's followers return at once: there is nothing left to stop.
    await this.supervisor.stop()
  }

  /** How far live delivery has got, per partition: every event up to here was routed to the sessions present. */
  position(): Cursor {
    return { ...(this.reached ?? {}) }
  }

  private deliver(f: Followed): void {
    try {
      if (this.concerns(f)) this.route(f.event, f.body)
    } catch {
      // One connection's failure must not stop delivery to every other.
    }
    this.reached![f.partition] = f.streamSeq
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
