import type { EventLog } from '../../core/log/event-log.js'
export type { Lag } from './lag.js'
import { follow, type Cursor, type Followed, type Follower } from '../../core/log/follow.js'
import { CommitLog } from './commit-log.js'
import { lagBehind, type Lag } from './lag.js'
import type { Projection } from './projection.js'
import type { ViewStore } from './view-store.js'

export interface RunnerOptions {
  /** Flush after this many applied events... */
  flushEvery?: number
  /** ...or this long after the first unflushed one. */
  flushIntervalMs?: number
  /** Records kept in memory between flushes. */
  cacheRecords?: number
  /** JetStream replicas of the commit stream: as many as the log's, so losing a node does not stop the projection. */
  replicas?: number
}

/**
 * Runs one projection: follows the log from its last commit, applies events
 * in memory, and flushes in batches — the batch and its cursor go to the
 * commit log first, then to KV — so a restart resumes at exactly the last
 * committed position with views that reflect exactly that position.
 */
export class ProjectionRunner {
  private follower: Follower | null = null
  private cursor: Cursor = {}
  private unflushed = 0
  private inFlight = 0
  private gate: Promise<void> | null = null
  private idle: (() => void) | null = null
  private flushing: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  private failed: unknown = null
  private committed: Cursor = {}
  private readonly flushEvery: number
  private readonly flushIntervalMs: number
  private readonly cacheRecords: number

  private constructor(
    readonly log: EventLog,
    readonly store: ViewStore,
    readonly projection: Projection,
    private readonly commits: CommitLog,
    opts: RunnerOptions,
  ) {
    this.flushEvery = opts.flushEvery ?? 2000
    this.flushIntervalMs = opts.flushIntervalMs ?? 100
    this.cacheRecords = opts.cacheRecords ?? 100_000
  }

  static async create(log: EventLog, store: ViewStore, projection: Projection, opts: RunnerOptions = {}) {
    return new ProjectionRunner(log, store, projection, await CommitLog.open(store.nc, projection.name, opts.replicas), opts)
  }

  /** Recovers the last commit into KV, then follows the log from its cursor. */
  async start(): Promise<void> {
    const last = await this.commits.last()
    if (last) await this.store.write(last.records)
    this.cursor = { ...(last?.cursor ?? {}) }
    this.follower = await follow(this.log, this.cursor, (f) => this.handle(f))
    this.follower.done.catch((err: unknown) => (this.failed = err))
  }

  private async handle(f: Followed): Promise<void> {
    while (this.gate) await this.gate
    this.inFlight++
    try {
      await this.projection.apply(f, this.store)
      this.cursor[f.partition] = f.streamSeq
    } finally {
      this.inFlight--
      if (this.inFlight === 0) this.idle?.()
    }
    this.unflushed++
    if (this.unflushed >= this.flushEvery) await this.flush()
    else this.timer ??= setTimeout(() => void this.flush().catch((err: unknown) => (this.failed = err)), this.flushIntervalMs)
  }

  /** The error that stopped the runner, if any. */
  get error(): unknown {
    return this.failed
  }

  get position(): Cursor {
    return { ...this.cursor }
  }

  /** Commits what was applied. One flush at a time; applying pauses only while the batch is taken. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.commitBatch())
    return this.flushing
  }

  private async commitBatch(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const batch = await this.takeBatch()
    if (batch.records.length === 0 && sameCursor(batch.cursor, this.committed)) return
    await this.commits.commit(batch)
    await this.store.write(batch.records)
    this.committed = batch.cursor
    this.store.trim(this.cacheRecords)
  }

  /** Waits until no event is half applied, then takes the changed records and the cursor together. */
  private async takeBatch() {
    let open!: () => void
    this.gate = new Promise<void>((resolve) => (open = resolve))
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve))
    this.idle = null
    try {
      this.unflushed = 0
      return { cursor: { ...this.cursor }, records: this.store.snapshot() }
    } finally {
      this.gate = null
      open()
    }
  }

  /** How far behind the log the projection is, by what it has applied. */
  lag(): Promise<Lag> {
    return lagBehind(this.log, this.position)
  }

  /** Stops following after committing what was applied. */
  async stop(): Promise<void> {
    await this.follower?.stop()
    this.follower = null
    await this.flush()
  }

  /** Drops every record and commit, then replays the log from its first event. */
  async rebuild(): Promise<void> {
    await this.stop()
    await this.commits.reset()
    await this.store.clear()
    this.committed = {}
    await this.start()
  }

  close(): void {
    this.commits.close()
  }
}

function sameCursor(a: Cursor, b: Cursor): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
