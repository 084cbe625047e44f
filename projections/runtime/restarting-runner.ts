import { startOrDiscard, type Runnable } from './leased-runner.js'

/**
 * Runs a runner that belongs to this process alone (the history sink on
 * embedded chDB) and replaces it when it fails: a flush that failed while a
 * server was away leaves the runner stopped, and a fresh one resumes from
 * what was last written.
 */
export class RestartingRunner<R extends Runnable> {
  private runner: R | null = null
  private timer: NodeJS.Timeout | null = null
  private busy: Promise<void> = Promise.resolve()
  private stopped = false

  constructor(
    private readonly make: () => Promise<R>,
    private readonly checkMs = 3000,
  ) {}

  get running(): boolean {
    return this.runner !== null
  }

  async start(): Promise<void> {
    this.runner = await startOrDiscard(this.make)
    this.schedule()
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.busy = this.busy
        .then(() => this.check())
        .catch(() => undefined)
        .then(() => this.schedule())
    }, this.checkMs)
  }

  private async check(): Promise<void> {
    if (this.stopped || (this.runner && !this.runner.error)) return
    const failed = this.runner
    this.runner = null
    if (failed) {
      await failed.stop().catch(() => undefined)
      failed.close?.()
    }
    this.runner = await startOrDiscard(this.make)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.busy
    const runner = this.runner
    this.runner = null
    if (!runner) return
    await runner.stop()
    runner.close?.()
  }
}
