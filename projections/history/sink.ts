import type { EventLog } from '../../core/log/event-log.js'
import { follow, type Cursor, type Followed, type Follower } from '../../core/log/follow.js'
import { lagBehind, type Lag } from '../runtime/lag.js'
import { HistoryBatch } from './batch.js'
import type { HistoryDb } from './history-db.js'
import { HistoryWriter, type Written } from './history-writer.js'
import { migrate } from './migrations.js'

export interface SinkOptions {
  /** Flush after this many events... */
  flushEvery?: number
  /** ...or this long after the first unflushed one. */
  flushIntervalMs?: number
}

/**
 * The history projection: follows the log from where the history tables end
 * and writes it to ClickHouse in batches. Following waits while a full batch
 * is written, so memory stays bounded by one batch in flight and one filling.
 */
export class HistorySink {
  private follower: Follower | null = null
  private batch = new HistoryBatch()
  private written: Written = { hidden: {}, messages: {}, events: {} }
  private flushing: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  private failed: unknown = null
  private readonly writer: HistoryWriter
  private readonly flushEvery: number
  private readonly flushIntervalMs: number

  constructor(
    readonly log: EventLog,
    readonly db: HistoryDb,
    opts: SinkOptions = {},
  ) {
    this.writer = new HistoryWriter(db)
    this.flushEvery = opts.flushEvery ?? 5000
    this.flushIntervalMs = opts.flushIntervalMs ?? 200
  }

  async start(): Promise<void> {
    await migrate(this.db)
    this.written = await this.writer.written()
    this.follower = await follow(this.log, { ...this.written.events }, (f) => this.handle(f))
    this.follower.done.catch((err: unknown) => (this.failed = err))
  }

  private async handle(f: Followed): Promise<void> {
    this.batch.add(f)
    if (this.batch.size >= this.flushEvery) return this.flush()
    this.timer ??= setTimeout(() => void this.flush().catch((err: unknown) => (this.failed = err)), this.flushIntervalMs)
  }

  /** Writes what was followed so far. One write at a time, in log order. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const batch = this.batch
    this.batch = new HistoryBatch()
    this.flushing = this.flushing.then(() => (batch.size > 0 ? this.writer.write(batch, this.written) : undefined))
    return this.flushing
  }

  /** How far the history tables reach in the log, per partition. */
  get position(): Cursor {
    return { ...this.written.events }
  }

  /** The error that stopped the sink, if any. */
  get error(): unknown {
    return this.failed
  }

  lag(): Promise<Lag> {
    return lagBehind(this.log, this.position)
  }

  /** Stops following after writing what was followed. */
  async stop(): Promise<void> {
    await this.follower?.stop()
    this.follower = null
    await this.flush()
  }

  /** Empties the history and replays the whole log into it. */
  async rebuild(): Promise<void> {
    await this.stop()
    await this.writer.clear()
    await this.start()
  }
}
