import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../core/log/index.js'
import { type Lag, Lease, type Logger, Supervisor, silentLogger } from '../../projections/runtime/index.js'
import { Deliverer, type DelivererOptions } from './deliverer.js'
import type { ParkedStore } from './parked.js'
import { DeliveryStats } from './stats.js'

/** What kind of endpoint a deliverer serves, for metrics and operators. */
export type DelivererKind = 'webhook' | 'bot' | 'push'

/** One deliverer as this process sees it. */
export interface DelivererView {
  name: string
  kind: DelivererKind
  /** The label operators know it by (a webhook's name, a bot's user). */
  label: string
  /** True when this process holds its lease and delivers; the others stand by. */
  running: boolean
  stats: DeliveryStats
  /** Lag of the delivered position, asked of the running deliverer; null when another process runs it. */
  lag(): Promise<Lag | null>
}

interface Entry {
  kind: DelivererKind
  label: string
  /** The configuration it runs with, as JSON: an unchanged PUT leaves it running. */
  fingerprint: string
  supervisor: Supervisor<Deliverer>
  stats: DeliveryStats
}

export interface DelivererSetOptions {
  logger?: Logger
  replicas?: number
  /** Time to live of each deliverer's lease: how soon a standby takes over from a process that died. */
  leaseTtlMs?: number
}

/**
 * The deliverers of one process, by name, each under a supervisor with a
 * lease of its own, so that across a deployment exactly one process delivers
 * each one and a standby takes over when it goes. put() with a changed
 * configuration restarts that deliverer from its checkpoint; remove() stops it.
 * Calls for one name must not overlap (the callers apply changes in order).
 */
export class DelivererSet {
  private readonly entries = new Map<string, Entry>()
  private readonly logger: Logger

  constructor(
    private readonly nc: NatsConnection,
    private readonly log: EventLog,
    private readonly parked: ParkedStore,
    private readonly opts: DelivererSetOptions = {},
  ) {
    this.logger = opts.logger ?? silentLogger
  }

  async put<T>(kind: DelivererKind, label: string, options: Omit<DelivererOptions<T>, 'parked' | 'stats' | 'replicas'>): Promise<void> {
    const fingerprint = JSON.stringify({ ...options, select: undefined, body: undefined, onError: undefined, handles: [...(options.handles ?? [])] })
    const existing = this.entries.get(options.name)
    if (existing?.fingerprint === fingerprint) return
    if (existing) await this.remove(options.name)
    const stats = existing?.stats ?? new DeliveryStats()
    const lease = await Lease.open(this.nc, `delivery.${options.name}`, this.opts.leaseTtlMs, undefined, this.opts.replicas)
    const make = () => Deliverer.open(this.nc, this.log, { ...options, parked: this.parked, stats, replicas: this.opts.replicas })
    const supervisor = new Supervisor(options.name, make, { lease, logger: this.logger })
    // The set only starts, stops and asks lag of it, none of which depends on T.
    this.entries.set(options.name, { kind, label, fingerprint, supervisor: supervisor as unknown as Supervisor<Deliverer>, stats })
    await supervisor.start()
  }

  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name)
    this.entries.delete(name)
    await entry?.supervisor.stop()
  }

  has(name: string): boolean {
    return this.entries.has(name)
  }

  names(): string[] {
    return [...this.entries.keys()]
  }

  views(): DelivererView[] {
    return [...this.entries].map(([name, e]) => ({
      name,
      kind: e.kind,
      label: e.label,
      running: e.supervisor.running,
      stats: e.stats,
      lag: async () => (e.supervisor.current ? e.supervisor.current.lag() : null),
    }))
  }

  async stop(): Promise<void> {
    for (const name of this.names()) await this.remove(name)
  }
}
