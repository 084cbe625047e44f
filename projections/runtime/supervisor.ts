import type { Lease } from './lease.js'
import { type Logger, silentLogger } from './logger.js'
import { backoff, type Loop, repeat } from './loop.js'

/** What a supervisor runs: a ProcessorRunner, or anything that starts, stops and says when it failed. */
export interface Runnable {
  start(): Promise<void>
  stop(): Promise<void>
  close?(): void
  /** Set once the runner has stopped on an error (a commit that failed while NATS or ClickHouse was away). */
  readonly error?: unknown
}

export interface SupervisorOptions {
  /**
   * Run in at most one process of a deployment: the holder of the lease runs
   * it and renews the lease; the others stand by and take over when it is
   * released or expires (a crashed holder). Two runners writing the same
   * store would each commit batches the other then overwrites on recovery.
   * Without a lease the processor belongs to this process alone.
   */
  lease?: Lease
  /** How often the runner's health (and the lease) is checked; with a lease, a third of its time to live. */
  checkMs?: number
  /** Longest wait between failed starts. */
  maxBackoffMs?: number
  logger?: Logger
}

/**
 * Keeps one processor running: replaces a runner that failed with a fresh one
 * (which resumes from the last commit), retries a start that failed after a
 * growing, jittered pause, and logs every failure and restart.
 */
export class Supervisor<R extends Runnable = Runnable> {
  private runner: R | null = null
  private loop: Loop | null = null
  private stopped = false
  private leaseHeld = false
  private failures = 0
  private retryAt = 0
  private starts = 0
  private readonly checkMs: number
  private readonly logger: Logger

  constructor(
    readonly name: string,
    private readonly make: () => Promise<R>,
    private readonly opts: SupervisorOptions = {},
  ) {
    this.checkMs = opts.checkMs ?? (opts.lease ? opts.lease.ttlMs / 3 : 3000)
    this.logger = opts.logger ?? silentLogger
  }

  /** True while a runner runs in this process. */
  get running(): boolean {
    return this.runner !== null
  }

  get current(): R | null {
    return this.runner
  }

  /**
   * Starts checking. Without a lease the first start must succeed (its error is
   * thrown); with one, this process may stand by, and a failed start is retried.
   */
  async start(): Promise<void> {
    if (this.opts.lease) await this.step().catch((err: unknown) => this.logger.error({ processor: this.name, err }, 'processor check failed'))
    else await this.launch(true)
    this.loop = repeat(
      async () => {
        await this.step()
        return undefined
      },
      this.checkMs,
      this.logger,
      { processor: this.name },
    )
  }

  private async step(): Promise<void> {
    if (this.stopped) return
    if (!(await this.holdLease())) return
    const failed = this.runner?.error
    if (failed) {
      this.logger.error({ processor: this.name, err: failed }, 'processor failed; restarting it from its last commit')
      await this.discard()
    }
    if (!this.runner && Date.now() >= this.retryAt) await this.launch(false)
  }

  /** True when this process may run the processor: no lease needed, or the lease taken or renewed. */
  private async holdLease(): Promise<boolean> {
    const lease = this.opts.lease
    if (!lease) return true
    if (this.leaseHeld) {
      if (await lease.renew()) return true
      this.logger.warn({ processor: this.name }, 'lease lost to another process; standing by')
      this.leaseHeld = false
      await this.discard()
      return false
    }
    if (!(await lease.acquire())) return false
    this.leaseHeld = true
    return true
  }

  private async launch(throwing: boolean): Promise<void> {
    try {
      this.runner = await startOrDiscard(this.make)
    } catch (err) {
      this.failures++
      const wait = backoff(this.failures, this.checkMs, this.opts.maxBackoffMs)
      this.retryAt = Date.now() + wait
      this.logger.warn({ processor: this.name, err, failures: this.failures, retryInMs: wait }, 'processor failed to start')
      if (throwing) throw err
      return
    }
    this.failures = 0
    this.logger.info({ processor: this.name, lease: this.opts.lease ? 'held' : 'none' }, this.starts++ === 0 ? 'processor started' : 'processor restarted')
  }

  private async discard(): Promise<void> {
    const runner = this.runner
    this.runner = null
    await stopAndClose(runner, this.name, this.logger)
  }

  /** Stops running (committing what was applied) and releases the lease for a standby. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.loop?.stop()
    await this.discard()
    if (this.leaseHeld) await this.opts.lease!.release()
    this.leaseHeld = false
  }

  /** Stops checking and leaves the runner as it is: for a connection already closed, where stopping cannot be confirmed. */
  async halt(): Promise<void> {
    this.stopped = true
    await this.loop?.stop()
  }
}

/** Stops a runner (committing what it applied) and closes it; a stop that fails is logged, since the runner is dropped either way. */
export async function stopAndClose(runner: Runnable | null, name: string, logger: Logger): Promise<void> {
  if (!runner) return
  await runner.stop().catch((err: unknown) => logger.warn({ processor: name, err }, 'runner did not stop cleanly'))
  runner.close?.()
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
