import { randomUUID } from 'node:crypto'
import type { KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { listKeys } from '../../core/index.js'
import { Lease, openLeases } from './lease.js'
import { type Logger, silentLogger } from './logger.js'
import { type Loop, repeat } from './loop.js'
import { type Runnable, startOrDiscard, stopAndClose } from './supervisor.js'

export interface ShareOptions {
  /** Time to live of each partition lease and of this process's presence: how soon a crashed process's partitions are taken over. */
  ttlMs?: number
  /** How often leases are renewed and shares looked at; a third of the time to live by default. */
  checkMs?: number
  logger?: Logger
  replicas?: number
  /** The KV bucket of the leases (default seqline_leases). */
  leasesBucket?: string
}

interface Held<R> {
  lease: Lease
  runner: R | null
}

interface Presence {
  until: number
}

/**
 * One processor spread over the processes of a deployment, partition by
 * partition: each process announces itself in the leases bucket, learns from
 * it how many processes share the work, and holds a lease on up to its fair
 * share (partitions / processes, rounded up) of the log's partitions, running
 * one runner for each. It renews them, gives back what is above its share
 * when processes join, and takes free or expired ones (a crashed holder's,
 * after their time to live) when processes leave. Stopping commits and gives
 * every lease back at once.
 */
export class PartitionShares<R extends Runnable = Runnable> {
  /** One owner for every lease of this process: the leases bucket then tells who holds what. */
  readonly owner = randomUUID()
  private readonly held = new Map<number, Held<R>>()
  private loop: Loop | null = null
  private stopped = false
  private processes = 1
  private starts = 0
  private readonly ttlMs: number
  private readonly logger: Logger

  private constructor(
    readonly name: string,
    private readonly partitions: number,
    private readonly make: (partition: number) => Promise<R>,
    private readonly kv: KV,
    private readonly opts: ShareOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 10_000
    this.logger = opts.logger ?? silentLogger
  }

  static async open<R extends Runnable>(
    nc: NatsConnection,
    name: string,
    partitions: number,
    make: (partition: number) => Promise<R>,
    opts: ShareOptions = {},
  ): Promise<PartitionShares<R>> {
    return new PartitionShares(name, partitions, make, await openLeases(nc, opts.leasesBucket, opts.replicas), opts)
  }

  /** The partitions whose runner runs here now, in order. */
  get running(): number[] {
    return [...this.held]
      .filter(([, h]) => h.runner)
      .map(([p]) => p)
      .sort((a, b) => a - b)
  }

  /** Whether the partition's runner runs here now. */
  runsHere(partition: number): boolean {
    return this.held.get(partition)?.runner != null
  }

  /** The runners running here now. */
  runners(): R[] {
    return [...this.held.values()].flatMap((h) => (h.runner ? [h.runner] : []))
  }

  /** Processes sharing the partitions, as last counted. */
  get sharing(): number {
    return this.processes
  }

  /** Takes a first share now, then keeps checking. */
  async start(): Promise<void> {
    await this.step().catch((err: unknown) => this.logger.error({ processor: this.name, err }, 'partition share check failed'))
    this.loop = repeat(() => this.step().then(() => undefined), this.opts.checkMs ?? this.ttlMs / 3, this.logger, { processor: this.name })
  }

  private async step(): Promise<void> {
    if (this.stopped) return
    // Renewed first: the rest of a step (listing processes, starting runners) can take a while, and must not outlast the leases.
    await this.renew()
    await this.announce(Date.now() + this.ttlMs)
    this.processes = await this.countProcesses()
    const share = Math.ceil(this.partitions / this.processes)
    await this.shed(share)
    await this.take(share)
    await this.relaunch()
  }

  private presenceKey(owner: string): string {
    return `members.${this.name}.${owner}`
  }

  private async announce(until: number): Promise<void> {
    await this.kv.put(this.presenceKey(this.owner), JSON.stringify({ until } satisfies Presence))
  }

  /** Live processes by their presence in the bucket (this one included); presences long expired are cleared away. */
  private async countProcesses(): Promise<number> {
    const now = Date.now()
    let live = 0
    // Bounded: a listing that hangs (NATS going away) fails this check instead of stopping the shares for good.
    for (const key of await listKeys(this.kv, this.presenceKey('*'))) {
      const entry = await this.kv.get(key)
      if (entry?.operation !== 'PUT' || entry.length === 0) continue
      const { until } = entry.json<Presence>()
      if (until > now) live++
      else if (until < now - 10 * this.ttlMs) await this.kv.purge(key).catch(() => undefined)
    }
    return Math.max(1, live)
  }

  private async renew(): Promise<void> {
    for (const [p, held] of this.held) {
      // A renewal NATS did not answer is tried again next step; the commit fence (CommitLog) keeps a holder that lost the lease meanwhile from committing.
      const renewed = await held.lease.renew().catch((err: unknown) => {
        this.logger.warn({ processor: this.name, partition: p, err }, 'partition lease renewal failed; tried again at the next check')
        return true
      })
      if (renewed) continue
      this.logger.warn({ processor: this.name, partition: p }, 'partition lease lost to another process; its runner stops here')
      this.held.delete(p)
      await this.discard(held.runner)
    }
  }

  /** Gives back the partitions above the share, so that processes that joined find some free. */
  private async shed(share: number): Promise<void> {
    const extra = [...this.held.keys()].sort((a, b) => b - a).slice(0, Math.max(0, this.held.size - share))
    for (const p of extra) {
      const held = this.held.get(p)!
      this.held.delete(p)
      await this.discard(held.runner)
      await held.lease.release()
      this.logger.info({ processor: this.name, partition: p, share }, 'partition given back for a fair share')
    }
  }

  /** Takes free or expired partitions up to the share, starting at a place of this process's own so that processes do not all ask for the same first. */
  private async take(share: number): Promise<void> {
    const start = Number.parseInt(this.owner.slice(0, 8), 16) % this.partitions
    for (let i = 0; i < this.partitions && this.held.size < share; i++) {
      const p = (start + i) % this.partitions
      if (this.held.has(p) || this.stopped) continue
      const lease = Lease.in(this.kv, `projection.${this.name}.p${p}`, this.ttlMs, this.owner)
      if (!(await lease.acquire())) continue
      this.held.set(p, { lease, runner: null })
      this.logger.info({ processor: this.name, partition: p, share }, 'partition taken')
    }
  }

  /** Starts the runners of held partitions that have none, and replaces those that failed (they resume from their last commit). */
  private async relaunch(): Promise<void> {
    for (const [p, held] of this.held) {
      if (held.runner?.error) {
        this.logger.error({ processor: this.name, partition: p, err: held.runner.error }, 'partition runner failed; restarting it from its last commit')
        await this.discard(held.runner)
        held.runner = null
      }
      if (held.runner || this.stopped) continue
      held.runner = await startOrDiscard(() => this.make(p)).catch((err: unknown) => {
        this.logger.warn({ processor: this.name, partition: p, err }, 'partition runner failed to start; retried at the next check')
        return null
      })
      // The processor's start is logged once, as for a supervised one; each partition after it by its own line.
      if (held.runner) this.logger.info({ processor: this.name, partition: p }, this.starts++ === 0 ? 'processor started' : 'partition runner started')
    }
  }

  private discard(runner: R | null): Promise<void> {
    return stopAndClose(runner, this.name, this.logger)
  }

  /** Stops every runner here (committing what was applied) and gives every lease back, so the other processes take them at once. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.loop?.stop()
    for (const [p, held] of this.held) {
      this.held.delete(p)
      await this.discard(held.runner)
      await held.lease.release()
    }
    await this.kv.delete(this.presenceKey(this.owner)).catch(() => undefined)
  }
}
