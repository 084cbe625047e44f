import { setTimeout as sleep } from 'node:timers/promises'
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor, EventLog, Followed } from '../../core/log/index.js'
import { type ConversationViews, previewOf } from '../../projections/conversations/index.js'
import { CommitLog, committedCursor, type Lag, Lease, type Logger, lagBehind, Supervisor, silentLogger } from '../../projections/runtime/index.js'
import type { EventOf, PushRequest } from '../../schemas/index.js'
import { Deliverer, type DelivererOptions, ParkedStore } from '../delivery/index.js'
import { OnlineMirror } from '../presence/index.js'
import type { PushTargets, StoredPushTarget } from './push-targets.js'
import { mayPreview, offlineMembers, pushFor, type ThreadFollowers } from './requests.js'

interface PusherOptions {
  replicas?: number
  logger?: Logger
  /** How long the first message of a batch waits for others. */
  batchWaitMs?: number
  retry?: DelivererOptions<unknown>['retry']
  /** The presence bucket to read (tests give each run its own). */
  presenceBucket?: string
  /** How long one process holds the push lease between renewals. */
  leaseTtlMs?: number
}

export interface PushStatus {
  target: StoredPushTarget
  lag: Lag
  parked: number
}

type Stats = NonNullable<DelivererOptions<unknown>['stats']>
const VIEWS_POLL_MS = 20
/** An end of the log read at or after a message's push time is good for every message due before it. */
const END_REUSE_MS = 100

/** The deliverer's name for a target generation: its checkpoint and its parked batches. */
export const pushDelivererName = (generation: string) => `push_${generation}`

/**
 * Offline push: a deliverer (integrations/delivery) over the log's messages,
 * run under a lease so one process of the deployment pushes. Each message is
 * decided once its delay has passed and the views have caught up with
 * everything written until then (reads included): every member with no socket
 * on any Seqline process, who is not the sender, has not read it meanwhile and
 * whose notification mode lets it through gets one push request. The target
 * comes from NATS KV and is followed live: a change restarts delivery from the
 * same checkpoint, a delete stops it.
 */
export class Pusher {
  private supervisor: Supervisor | null = null
  private target: StoredPushTarget | null = null
  private stopWatch: (() => void) | null = null
  private changes: Promise<void> = Promise.resolve()
  private lastEnd: { at: number; cursor: Cursor } | null = null
  /** This process's delivery figures, kept across restarts of the deliverer. */
  readonly stats: Stats = { batches: 0, events: 0, failures: 0, parked: 0, parkedEvents: 0, lastError: null, lastDeliveredAt: null }

  private constructor(
    private readonly nc: NatsConnection,
    private readonly log: EventLog,
    private readonly views: ConversationViews,
    readonly targets: PushTargets,
    private readonly jsm: JetStreamManager,
    private readonly online: OnlineMirror,
    private readonly parked: ParkedStore,
    private readonly lease: Lease,
    private readonly opts: PusherOptions,
  ) {}

  static async open(nc: NatsConnection, log: EventLog, views: ConversationViews, targets: PushTargets, opts: PusherOptions = {}): Promise<Pusher> {
    const online = await OnlineMirror.open(nc, { bucket: opts.presenceBucket, replicas: opts.replicas })
    const parked = await ParkedStore.open(nc, opts.replicas)
    const lease = await Lease.open(nc, 'reactor.push', opts.leaseTtlMs, undefined, opts.replicas)
    return new Pusher(nc, log, views, targets, await jetstreamManager(nc), online, parked, lease, opts)
  }

  async start(): Promise<void> {
    this.stopWatch = await this.targets.watch((target) => {
      this.changes = this.changes.then(() => this.retarget(target))
      return this.changes
    })
  }

  /** True while this process holds the lease and delivers. */
  get delivering(): boolean {
    return this.supervisor?.running ?? false
  }

  private async retarget(target: StoredPushTarget | null): Promise<void> {
    await this.supervisor?.stop()
    this.supervisor = null
    const before = this.target
    this.target = target
    // A deleted target's checkpoint goes with it: the next one starts at the log's end.
    if (!target && before) await this.forget(before.generation)
    if (!target) return
    const logger = this.opts.logger ?? silentLogger
    this.supervisor = new Supervisor('push', () => this.deliverer(target), { lease: this.lease, logger })
    await this.supervisor.start()
  }

  private async forget(generation: string): Promise<void> {
    const commits = await CommitLog.open(this.nc, pushDelivererName(generation), this.opts.replicas)
    await commits.reset().finally(() => commits.close())
  }

  private async deliverer(target: StoredPushTarget) {
    const stopping = new AbortController()
    const deliverer = await Deliverer.open<PushRequest[]>(this.nc, this.log, {
      name: pushDelivererName(target.generation),
      url: target.url,
      secret: target.secret,
      handles: new Set(['message.sent']),
      select: (f) => this.select(f, target.delaySeconds, stopping.signal),
      body: (items, delivery) => JSON.stringify({ delivery, pushes: items.flat() }),
      batchWaitMs: this.opts.batchWaitMs,
      retry: this.opts.retry,
      parked: this.parked,
      stats: this.stats,
      replicas: this.opts.replicas,
    })
    return {
      start: () => deliverer.start(),
      // A message waiting out its delay is given up: the next holder decides it again from the checkpoint.
      stop: async () => {
        stopping.abort()
        await deliverer.stop()
      },
      close: () => deliverer.close(),
      get error() {
        return deliverer.error
      },
    }
  }

  private async select(f: Followed, delaySeconds: number, signal: AbortSignal): Promise<PushRequest[] | undefined> {
    const message = f.event as EventOf<'message.sent'>
    const due = message.at + delaySeconds * 1000
    const wait = due - Date.now()
    if (wait > 0) await sleep(wait, undefined, { signal })
    await this.viewsReach(await this.endAfter(due), signal)
    const requests = await this.requestsFor(message)
    return requests.length > 0 ? requests : undefined
  }

  /** The log's end read at or after `due`: every read made before the push was decided lies within it. */
  private async endAfter(due: number): Promise<Cursor> {
    if (this.lastEnd && this.lastEnd.at >= due && Date.now() - this.lastEnd.at < END_REUSE_MS) return this.lastEnd.cursor
    const at = Date.now()
    const cursor = await this.log.end()
    this.lastEnd = { at, cursor }
    return cursor
  }

  private async viewsReach(position: Cursor, signal: AbortSignal): Promise<void> {
    for (;;) {
      if (await this.views.reaches(position)) return
      await sleep(VIEWS_POLL_MS, undefined, { signal })
    }
  }

  private async requestsFor(message: EventOf<'message.sent'>): Promise<PushRequest[]> {
    const [members, head] = await Promise.all([this.currentMembers(message.conv), this.views.head(message.conv)])
    if (!head) return []
    const preview = mayPreview(message, head.previews !== false) ? previewOf(message.data.content) : undefined
    const thread = await this.followersOf(message)
    const users = offlineMembers(message, members, (user) => this.online.isOnline(user))
    const requests = await Promise.all(users.map((user) => this.requestFor(message, user, preview, thread)))
    return requests.filter((r): r is PushRequest => r !== null)
  }

  /** A thread reply's followers as the views hold them (caught up past the reply); undefined for a message that is no reply. */
  private async followersOf(message: EventOf<'message.sent'>): Promise<ThreadFollowers | undefined> {
    const thread = message.data.thread
    if (!thread) return undefined
    const { record } = await this.views.thread(message.conv, thread.root, message.actor)
    // The event names the root's author, so a thread whose record is gone (its root erased) still notifies them.
    return { rootAuthor: thread.author, participants: record?.participants ?? {} }
  }

  /** Current members by user, read page by page (one record per member). */
  private async currentMembers(conv: string): Promise<Record<string, { since: number }>> {
    const members: Record<string, { since: number }> = {}
    let after: string | undefined
    do {
      const page = await this.views.members(conv, after === undefined ? { limit: 1000 } : { after, limit: 1000 })
      for (const m of page.rows) if (m.left === undefined) members[m.user] = m
      after = page.next
    } while (after !== undefined)
    return members
  }

  private async requestFor(
    message: EventOf<'message.sent'>,
    user: string,
    preview: string | undefined,
    thread: ThreadFollowers | undefined,
  ): Promise<PushRequest | null> {
    const rows = await this.views.inbox(user)
    const row = rows.find((r) => r.conv === message.conv)
    if (!row || row.left !== undefined) return null
    const badge = rows.reduce((sum, r) => sum + r.unread, 0)
    return pushFor(message, { user, readSeq: row.readSeq, mode: row.notifications.mode, badge }, preview, thread)
  }

  /** The target without its secret, and how far delivery has got (true whichever process delivers). */
  async status(): Promise<PushStatus | null> {
    const target = await this.targets.get()
    if (!target) return null
    const name = pushDelivererName(target.generation)
    const position = await committedCursor(this.jsm, name)
    const lag = await lagBehind(this.log, position ?? (await this.log.end()))
    return { target, lag, parked: (await this.parked.list(name, 1000)).length }
  }

  async stop(): Promise<void> {
    this.stopWatch?.()
    await this.changes
    await this.supervisor?.stop()
    this.supervisor = null
    this.online.stop()
    this.parked.close()
  }
}
