import type { Cursor, EventLog, Followed, Follower } from '../../core/log/index.js'
import type { Runnable } from '../../projections/runtime/supervisor.js'

/**
 * Live delivery's follower of the whole log, as the hub's supervisor runs it.
 * Unlike a processor runner it hands over every event as the log has it,
 * undecoded: the hub routes by conversation first and decodes only what one
 * of its sockets gets. Following that ends while not stopped is an error,
 * so the supervisor starts a fresh one from where delivery had got.
 */
export class LiveFollower implements Runnable {
  private follower: Follower | null = null
  private failed: unknown = undefined

  constructor(
    private readonly log: EventLog,
    private readonly from: () => Promise<Cursor>,
    private readonly handle: (f: Followed) => void,
  ) {}

  get error(): unknown {
    return this.failed
  }

  async start(): Promise<void> {
    const follower = await this.log.followLive(await this.from(), this.handle)
    this.follower = follower
    follower.done.then(
      () => {
        if (this.follower === follower) this.failed ??= new Error('ws-hub: following the log ended')
      },
      (err: unknown) => (this.failed = err),
    )
  }

  async stop(): Promise<void> {
    const follower = this.follower
    this.follower = null
    await follower?.stop()
  }
}
