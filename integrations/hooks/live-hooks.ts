import type { KV, KvWatchEntry } from '@nats-io/kv'
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
  /** How often the bucket's last revision is checked against what the watch delivered (a stalled watch is caught up by a full read). */
  checkEveryMs?: number
}

/** Under the 5 s within which a change must be in force everywhere, whatever happened to the watch. */
const CHECK_EVERY_MS = 2000

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
  /** The watch being followed; a watch that is no longer this one is ignored. */
  private current: Awaited<ReturnType<KV['watch']>> | undefined
  private checker: NodeJS.Timeout | undefined

  private constructor(
    readonly store: HookStore,
    private readonly logger: Logger,
  ) {}

  static async open(nc: NatsConnection, opts: LiveHooksOptions = {}): Promise<LiveHooks> {
    const live = new LiveHooks(await HookStore.open(nc, opts.bucket, opts.replicas), opts.logger ?? silentLogger)
    await live.load()
    await live.watch()
    live.checker = setInterval(() => void live.check(), opts.checkEveryMs ?? CHECK_EVERY_MS).unref()
    return live
  }

  for(type: CommandType): readonly BeforeHook[] {
    return this.byType.get(type) ?? []
  }

  close(): void {
    this.closed = true
    clearInterval(this.checker)
    this.current?.stop()
  }

  /** Everything stored, up to the bucket's last revision; the watch takes over from the next one. */
  private async load(): Promise<void> {
    // The revision is read first: what the list shows is at least as new, and the watch, resumed after
    // the revision, delivers again whatever came meanwhile (applying a record twice changes nothing).
    const revision = (await this.store.kv.status()).streamInfo.state.last_seq
    this.records = new Map((await this.store.list()).map((r) => [r.name, r]))
    this.revision = revision
    this.rebuild()
  }

  /**
   * The watch normally delivers a change within milliseconds; if the bucket holds a revision it has
   * not delivered (a watch lost with a restarted server, say), everything is read again and the
   * watch started afresh.
   */
  private async check(): Promise<void> {
    try {
      const last = (await this.store.kv.status()).streamInfo.state.last_seq
      if (last <= this.revision || this.closed) return
      this.logger.warn({ revision: this.revision, last }, 'before-hooks: the watch fell behind the hooks bucket; reading it again')
      const stalled = this.current
      this.current = undefined
      stalled?.stop()
      await this.load()
      await this.watch()
    } catch (err) {
      if (!this.closed) this.logger.warn({ err }, 'before-hooks: the hooks bucket could not be checked; trying again')
    }
  }

  private async watch(): Promise<void> {
    const updates = await this.store.kv.watch({ resumeFromRevision: this.revision + 1 })
    this.current = updates
    void (async () => {
      for await (const entry of updates) if (updates === this.current) this.apply(entry)
      // The watch ends when the connection does, or on close; otherwise follow again from where it stopped.
      if (!this.closed && updates === this.current) await this.rewatch()
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
