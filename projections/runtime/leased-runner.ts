import type { Lease } from './lease.js'

/** What a lease can run: a projection runner, the history sink. */
export interface Runnable {
  start(): Promise<void>
  stop(): Promise<void>
  close?(): void
  /** Set once the runner has stopped on an error (a flush that failed while NATS or ClickHouse was away). */
  readonly error?: unknown
}

/**
 * Runs a projection in at most one process at a time: the process holding the
 * lease runs it and renews the lease; the others stand by and take over when
 * it is released or expires (a crashed holder). Two runners writing the same
 * views would each commit batches the other then overwrites on recovery.
 */
export class LeasedRunner<R extends Runnable = Runnable> {
  private timer: NodeJS.Timeout | null = null
  private active = false
  private stopped = false
  private busy: Promise<void> = Promise.resolve()

  constructor(
    private readonly lease: Lease,
    private readonly makeRunner: () => Promise<R>,
  ) {}

  private runner: R | null = null

  /** True while this process runs the projection. */
  get running(): boolean {
    return this.active
  }

  get current(): R | null {
    return this.runner
  }

  start(): Promise<void> {
    return this.tick()
  }

  private tick(): Promise<void> {
    this.busy = this.busy.then(() => this.step()).catch(() => undefined)
    return this.busy.then(() => {
      if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.lease.ttlMs / 3)
    })
  }

  private async step(): Promise<void> {
    if (this.stopped) return
    if (this.active) {
      if (!(await this.lease.renew())) return this.deactivate()
      // A runner that failed stays failed; a fresh one resumes from the last commit.
      if (this.runner?.error) await this.deactivate()
      else return
    }
    if (!(await this.lease.acquire())) return
    this.runner = await startOrDiscard(this.makeRunner)
    this.active = true
  }

  private async deactivate(): Promise<void> {
    this.active = false
    const runner = this.runner
    this.runner = null
    if (!runner) return
    await runner.stop().catch(() => undefined)
    runner.close?.()
  }

  /** Stops running (committing what was applied) and releases the lease for a standby. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.busy
    const wasActive = this.active
    await this.deactivate()
    if (wasActive) await this.lease.release()
  }
}

/** A started runner, or none: one that fails to start is stopped, so no half-started follower lingers. */
export async function startOrDiscard<R extends Runnable>(make: () => Promise<R>): Promise<R> {
  const runner = await make()
  try {
    await runner.start()
    return runner
  } catch (err) {
    await runner.stop().catch(() => undefined)
    runner.close?.()
    throw err
  }
}
