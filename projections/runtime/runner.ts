import type { EventLog } from '../../core/log/index.js'
import { type Cursor, type Followed, type Follower, follow } from '../../core/log/index.js'
import { type Lag, lagBehind } from './lag.js'
import type { Processor } from './processor.js'

export type { Lag } from './lag.js'

export interface RunnerOptions {
  /** Commit after this many events... */
  flushEvery?: number
  /** ...or this long after the first uncommitted one. */
  flushIntervalMs?: number
  /** ...or, once asked to commit soon (see commitSoon()), this long after it. */
  soonMs?: number
  /**
   * A batch of at least this many events means events come fast: the next
   * batch waits flushIntervalMs. After a smaller one the next commits on
   * soonMs, as if asked, so a light load sees fresh views. Absent: every
   * batch waits flushIntervalMs.
   */
  busyBatch?: number
  /** Follow these partitions only (a partition's share of a projection); absent: all. */
  partitions?: readonly number[]
}

/**
 * Runs one processor: recovers its checkpoint, follows the log from there,
 * applies each event it handles, and commits in batches — the batch and the
 * position it reaches together — so a restart resumes at exactly the last
 * committed position. Following waits while a full batch commits, so memory
 * stays bounded by one batch committing and one filling.
 */
export class ProcessorRunner<B = unknown> {
  private follower: Follower | null = null
  private cursor: Cursor = {}
  private unflushed = 0
  private inFlight = 0
  private gate: Promise<void> | null = null
  private idle: (() => void) | null = null
  private flushing: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  /** When the batch filling now took its first event (the timer's start). */
  private batchStartedAt = 0
  /** Asked to commit soon since the last batch was taken: this batch commits on soonMs. */
  private soon = false
  /** Whether the last batch taken was busy (see busyBatch): until one is, batches commit on soonMs. */
  private busy: boolean
  private failed: unknown = null
  private committed: Cursor = {}
  private readonly flushEvery: number
  private readonly flushIntervalMs: number
  private readonly soonMs: number
  private readonly busyBatch: number | undefined
  private readonly partitions: readonly number[] | undefined

  constructor(
    readonly log: EventLog,
    readonly processor: Processor<B>,
    opts: RunnerOptions = {},
  ) {
    this.flushEvery = opts.flushEvery ?? 2000
    this.flushIntervalMs = opts.flushIntervalMs ?? 100
    this.soonMs = Math.min(opts.soonMs ?? 100, this.flushIntervalMs)
    this.busyBatch = opts.busyBatch
    this.busy = opts.busyBatch === undefined
    this.partitions = opts.partitions
  }

  /** Recovers the last commit, then follows the log from its position. */
  async start(): Promise<void> {
    this.cursor = { ...(await this.processor.recover()) }
    this.committed = { ...this.cursor }
    const follower = await follow(this.log, this.cursor, (f) => this.handle(f), this.partitions)
    this.follower = follower
    // Following ends only when stopped; ending otherwise (an error, or consumers that closed) is a failure to restart from.
    follower.done.then(
      () => {
        if (this.follower === follower) this.failed ??= new Error(`${this.processor.name}: following the log ended`)
      },
      (err: unknown) => (this.failed = err),
    )
  }

  private async handle(f: Followed): Promise<void> {
    if (!this.processor.commits) return this.applyNow(f)
    while (this.gate) await this.gate
    this.inFlight++
    try {
      await this.applyNow(f)
    } finally {
      this.inFlight--
      if (this.inFlight === 0) this.idle?.()
    }
    this.unflushed++
    if (this.unflushed >= this.flushEvery) await this.flush()
    else if (!this.timer) this.arm(Date.now())
  }

  private arm(startedAt: number): void {
    this.batchStartedAt = startedAt
    const wait = this.batchWaitMs
    const fire = () => {
      // Fired: an ask from now on concerns the next batch, not this flush still queued behind a commit.
      this.timer = null
      void this.flush().catch((err: unknown) => (this.failed = err))
    }
    this.timer = setTimeout(fire, Math.max(0, startedAt + wait - Date.now()))
  }

  /** How long the batch filling now (or the next) waits after its first event before it commits. */
  get batchWaitMs(): number {
    return this.soon || !this.busy ? this.soonMs : this.flushIntervalMs
  }

  /**
   * Commits the batch filling now (or the next one, when none is) within
   * soonMs of its first event instead of flushIntervalMs: a reader waits
   * for the views to reach a position. A long interval lets a commit write
   * each record once for many events under load; a reader that waits does not
   * wait for all of it. An ask that lands while a batch is being taken may
   * be lost; readers ask again while they wait.
   */
  commitSoon(): void {
    if (this.soon || !this.processor.commits) return
    this.soon = true
    if (!this.timer) return
    clearTimeout(this.timer)
    this.arm(this.batchStartedAt)
  }

  private async applyNow(f: Followed): Promise<void> {
    if (this.processor.handles.has(f.event.type)) await this.processor.apply(f)
    this.cursor[f.partition] = f.streamSeq
  }

  /** The error that stopped the runner, if any. */
  get error(): unknown {
    return this.failed
  }

  /** How far the processor has applied, per partition. */
  get position(): Cursor {
    return { ...this.cursor }
  }

  /** How far the last commit reaches, per partition. */
  get committedPosition(): Cursor {
    return { ...this.committed }
  }

  /** Commits what was applied. One commit at a time; applying pauses only while the batch is taken. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.commitBatch())
    return this.flushing
  }

  private async commitBatch(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const commits = this.processor.commits
    if (!commits) return
    const { batch, position } = await this.takeBatch(() => commits.take())
    if (commits.empty(batch) && samePosition(position, this.committed)) return
    await commits.commit(batch, position)
    this.committed = position
  }

  /** Waits until no event is half applied, then takes the batch and the position together. */
  private async takeBatch(take: () => B): Promise<{ batch: B; position: Cursor }> {
    let open!: () => void
    this.gate = new Promise<void>((resolve) => (open = resolve))
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve))
    this.idle = null
    try {
      this.busy = this.busyBatch === undefined || this.unflushed >= this.busyBatch
      this.unflushed = 0
      this.soon = false
      return { batch: take(), position: { ...this.cursor } }
    } finally {
      this.gate = null
      open()
    }
  }

  /** How far behind the log the processor is, by what it has applied. */
  lag(): Promise<Lag> {
    return lagBehind(this.log, this.position, this.partitions)
  }

  /** Stops following after committing what was applied. */
  async stop(): Promise<void> {
    const follower = this.follower
    this.follower = null
    await follower?.stop()
    await this.flush()
  }

  /** Drops every commit and what it stored, then replays the log from its first event. */
  async rebuild(): Promise<void> {
    await this.stop()
    await this.processor.commits?.reset()
    await this.start()
  }

  close(): void {
    this.processor.close?.()
  }
}

function samePosition(a: Cursor, b: Cursor): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
