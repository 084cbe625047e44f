import type { KvWatchEntry } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { BeforeHook, BeforeHooks } from '../../core/commands/index.js'
import { type Logger, silentLogger } from '../../projections/runtime/index.js'
import type { CommandType } from '../../schemas/index.js'
import { HookMetrics } from './hook-metrics.js'
import { type HookRecord, HookStore, runOrder } from './hook-store.js'
import { HttpHook } from './http-hook.js'

interface LiveHooksOptions {
  bucket?: string
  replicas?: number
  logger?: Logger
}

/**
 * The before-hooks in force in this process: the KV bucket read at open, then followed by a watch,
 * so a change made through any process's admin API applies here at once (no restart). What the
 * command handler asks per command is a map lookup.
 */
export class LiveHooks implements BeforeHooks {
  readonly metrics = new HookMetrics()
  private records = new Map<string, HookRecord>()
  private byType = new Map<CommandType, readonly BeforeHook[]>()
  private revision = 0
  private closed = false
  private stopWatch: (() => void) | undefined

  private constructor(
    readonly store: HookStore,
    private readonly logger: Logger,
  ) {}

  static async open(nc: NatsConnection, opts: LiveHooksOptions = {}): Promise<LiveHooks> {
    const live = new LiveHooks(await HookStore.open(nc, opts.bucket, opts.replicas), opts.logger ?? silentLogger)
    await live.load()
    await live.watch()
    return live
  }

  for(type: CommandType): readonly BeforeHook[] {
    return this.byType.get(type) ?? []
  }

  close(): void {
    this.closed = true
    this.stopWatch?.()
  }

  /** Everything stored, up to the bucket's last revision; the watch takes over from the next one. */
  private async load(): Promise<void> {
    this.revision = (await this.store.kv.status()).streamInfo.state.last_seq
    for (const record of await this.store.list()) this.records.set(record.name, record)
    this.rebuild()
  }

  private async watch(): Promise<void> {
    const updates = await this.store.kv.watch({ resumeFromRevision: this.revision + 1 })
    this.stopWatch = () => updates.stop()
    void (async () => {
      for await (const entry of updates) this.apply(entry)
      // The watch ends when the connection does, or on close; otherwise follow again from where it stopped.
      if (!this.closed) await this.rewatch()
    })()
  }

  private async rewatch(): Promise<void> {
    try {
      await this.watch()
    } catch (err) {
      if (this.closed) return
      this.logger.error({ err }, 'before-hooks: the watch of the hooks bucket could not be restarted; hooks stay as they were')
    }
  }

  private apply(entry: KvWatchEntry): void {
    if (entry.revision <= this.revision) return
    this.revision = entry.revision
    if (entry.operation === 'PUT' && entry.length > 0) this.records.set(entry.key, entry.json<HookRecord>())
    else this.records.delete(entry.key)
    this.rebuild()
  }

  private rebuild(): void {
    const byType = new Map<CommandType, BeforeHook[]>()
    for (const record of [...this.records.values()].sort(runOrder)) {
      const hook = new HttpHook(record, this.metrics, this.logger)
      for (const type of record.commands) byType.set(type, [...(byType.get(type) ?? []), hook])
    }
    this.byType = byType
  }
}
