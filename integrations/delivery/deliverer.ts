import { randomUUID } from 'node:crypto'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor, EventLog, Followed } from '../../core/log/index.js'
import { CommitLog, EVERY_EVENT, type Lag, lagBehind, type Processor, ProcessorRunner } from '../../projections/runtime/index.js'
import type { EventType } from '../../schemas/index.js'
import { DEFAULT_RETRY, deliverWithRetries, type RetryPolicy } from './attempts.js'
import type { ParkedStore } from './parked.js'
import { DeliveryStats } from './stats.js'

/** One event chosen for delivery, with where it stands in the log. */
interface Pending<T> {
  item: T
  at: number
}

export interface DelivererOptions<T> {
  /**
   * Names the checkpoint (a CommitLog of this name) and the parked batches:
   * letters, digits, `_` and `-` only, unique among deliverers and projections.
   */
  name: string
  url: string
  secret: string
  /** What to deliver for an event, or undefined to skip it. Called in log order per partition. */
  select(f: Followed): T | undefined | Promise<T | undefined>
  /** Only these event types reach select(); the default is every type. */
  handles?: ReadonlySet<EventType>
  /** The body of one batch; by default `{"delivery": id, "events": [items]}`. */
  body?: (items: T[], delivery: string) => string
  /**
   * Where a deliverer with no checkpoint yet starts: after the events stored when it starts (default), at the
   * first event, or at a position (fixed when the endpoint was configured, so nothing written since is missed).
   */
  startAt?: 'end' | 'beginning' | Cursor
  /** A replay asked for: taken up once (the next checkpoint remembers its id), from this position. */
  replay?: { id: string; from: Cursor }
  /** Most events (selected or not) in one batch. */
  batchEvents?: number
  /** How long the first event of a batch waits for others before the batch is sent. */
  batchWaitMs?: number
  retry?: Partial<RetryPolicy>
  parked: ParkedStore
  /** Kept by the caller across restarts of the deliverer, so the figures survive them. */
  stats?: DeliveryStats
  /** Told when the last error appears, changes, or clears (to share it with other processes). */
  onError?: (lastError: DeliveryStats['lastError']) => void
  replicas?: number
}

const REPLAY_KEY = 'replay'

/**
 * A durable, batched, signed deliverer: a processor that follows the log from
 * its own checkpoint, picks events with select(), and POSTs them in batches in
 * log order (so in seq order per conversation), signed by postSigned. Its
 * commit is the delivery: the checkpoint moves only after the receiver took
 * the batch (2xx) or the batch was parked after its maximum age, so a crash or
 * an outage never loses an event; what was sent but not checkpointed is sent
 * again (at-least-once, the same event ids). Failures are retried with
 * exponential backoff and jitter inside this deliverer's own commit, which
 * holds up only its own following of the log, never another deliverer's.
 */
export class Deliverer<T = unknown> {
  readonly stats: DeliveryStats
  private readonly runner: ProcessorRunner<Array<Pending<T>>>
  private readonly stopping = new AbortController()
  private committed: Cursor = {}

  private constructor(
    readonly log: EventLog,
    private readonly commits: CommitLog,
    private readonly opts: DelivererOptions<T>,
  ) {
    this.stats = opts.stats ?? new DeliveryStats()
    this.runner = new ProcessorRunner(log, this.processor(), { flushEvery: opts.batchEvents ?? 1000, flushIntervalMs: opts.batchWaitMs ?? 50 })
  }

  /** A deliverer (not started): run it under a Supervisor, with a lease so only one process delivers. */
  static async open<T>(nc: NatsConnection, log: EventLog, opts: DelivererOptions<T>): Promise<Deliverer<T>> {
    return new Deliverer(log, await CommitLog.open(nc, opts.name, opts.replicas), opts)
  }

  private processor(): Processor<Array<Pending<T>>> {
    let pending: Array<Pending<T>> = []
    return {
      name: this.opts.name,
      kind: 'reactor',
      handles: this.opts.handles ?? EVERY_EVENT,
      recover: () => this.recover(),
      apply: async (f) => {
        const item = await this.opts.select(f)
        if (item !== undefined) pending.push({ item, at: f.event.at })
      },
      commits: {
        take: () => {
          const batch = pending
          pending = []
          return batch
        },
        empty: (batch) => batch.length === 0,
        commit: (batch, position) => this.deliverAndCommit(batch, position),
        reset: () => this.commits.reset(),
      },
    }
  }

  /** The checkpoint to resume from: a replay not yet taken up, the last commit, or (first run) a start fixed at once. */
  private async recover(): Promise<Cursor> {
    const last = await this.commits.last()
    const replay = this.opts.replay
    const replayedBefore = last?.records.find(([key]) => key === REPLAY_KEY)?.[1]
    let position: Cursor
    if (replay && replayedBefore !== JSON.stringify(replay.id)) position = replay.from
    else if (last) position = last.cursor
    else position = await this.startPosition()
    // Checkpointed at once, so a first start "now" or a replay holds even if the process dies before delivering anything.
    if (!last || position !== last.cursor) await this.checkpoint(position)
    this.committed = position
    return position
  }

  private async startPosition(): Promise<Cursor> {
    const at = this.opts.startAt ?? 'end'
    if (at === 'beginning') return {}
    if (at === 'end') return this.log.end()
    return at
  }

  private checkpoint(position: Cursor): Promise<void> {
    return this.commits.commit({ cursor: position, records: [[REPLAY_KEY, JSON.stringify(this.opts.replay?.id ?? null)]] })
  }

  private async deliverAndCommit(batch: Array<Pending<T>>, position: Cursor): Promise<void> {
    if (batch.length > 0) await this.deliver(batch, position)
    await this.checkpoint(position)
    this.committed = position
  }

  private async deliver(batch: Array<Pending<T>>, to: Cursor): Promise<void> {
    const delivery = randomUUID()
    const items = batch.map((p) => p.item)
    const body = this.opts.body ? this.opts.body(items, delivery) : JSON.stringify({ delivery, events: items })
    const policy = { ...DEFAULT_RETRY, ...this.opts.retry }
    const attempt = { url: this.opts.url, secret: this.opts.secret, body, delivery }
    const outcome = await deliverWithRetries(attempt, policy, this.stopping.signal, (failed) => {
      this.stats.failures++
      this.setError(failed.message)
    })
    if (outcome.delivered) {
      this.stats.batches++
      this.stats.events += batch.length
      this.stats.lastDeliveredAt = Date.now()
      this.setError(null)
      return
    }
    const parked = {
      delivery,
      parkedAt: Date.now(),
      from: this.committed,
      to,
      events: batch.length,
      attempts: outcome.attempts,
      error: outcome.error,
      firstAt: batch[0]!.at,
      lastAt: batch[batch.length - 1]!.at,
    }
    await this.opts.parked.park(this.opts.name, parked, body)
    this.stats.parked++
    this.stats.parkedEvents += batch.length
  }

  private setError(message: string | null): void {
    const before = this.stats.lastError?.message ?? null
    this.stats.lastError = message === null ? null : { message, at: Date.now() }
    if (before !== message) this.opts.onError?.(this.stats.lastError)
  }

  /** The position delivered (or parked) and checkpointed. */
  get position(): Cursor {
    return { ...this.committed }
  }

  /** How far behind the log the receiver is: events not yet delivered, and the age of the oldest. */
  lag(): Promise<Lag> {
    return lagBehind(this.log, this.committed)
  }

  get error(): unknown {
    return this.runner.error
  }

  start(): Promise<void> {
    return this.runner.start()
  }

  /** Stops at once: a batch waiting out a retry pause is given up (the next holder sends it again). */
  async stop(): Promise<void> {
    this.stopping.abort()
    await this.runner.stop().catch(() => undefined)
  }

  close(): void {
    this.commits.close()
  }
}
