import type { Cursor, EventLog, Followed, StoredEvent } from '../../core/log/index.js'
import { type Logger, Supervisor } from '../../projections/runtime/index.js'
import { LiveFollower } from './live-follower.js'
import type { LiveSource } from './live-source.js'

const RESTART_MS = 1000

/**
 * Live events from the whole log: every process follows every partition
 * through JetStream (ordered consumers, from the end at start-up) and the
 * hub skips, unparsed, the events of conversations none of its sockets is
 * in. A core subscription to the log subjects would not do: it also receives
 * publishes JetStream refused (an append that lost an optimistic-concurrency
 * race carries a seq another event took), which would reach clients as events
 * that never happened. Positions are per partition, so a sync hands over to
 * live delivery at a stream seq.
 */
export class LogFeed implements LiveSource {
  /** Where live delivery has got, kept across restarts of the follower: a restart resumes here, not at the log's end. */
  private reached: Cursor | null = null
  private readonly supervisor: Supervisor<LiveFollower>

  constructor(
    private readonly log: EventLog,
    deliver: (f: Followed) => void,
    logger: Logger,
  ) {
    // Ordered consumers survive server restarts; if following still fails, a fresh follower resumes from where it got.
    // Its position is in memory only: a new process has no one to deliver the past to, so it starts at the log's end.
    const from = async () => ({ ...(this.reached ??= await this.log.end()) })
    const handle = (f: Followed) => {
      deliver(f)
      this.reached![f.partition] = f.streamSeq
    }
    this.supervisor = new Supervisor('ws-hub', async () => new LiveFollower(log, from, handle), { checkMs: RESTART_MS, logger })
  }

  start(): Promise<void> {
    return this.supervisor.start()
  }

  stop(): Promise<void> {
    // With the connection already closed the log's followers return at once: there is nothing left to stop.
    return this.supervisor.stop()
  }

  /** Every event past where live delivery has got reaches the sessions present; the views must cover the rest. */
  async seedPoint(): Promise<Cursor> {
    return { ...(this.reached ?? {}) }
  }

  liveAfter(conv: string): (stored: StoredEvent) => boolean {
    const reached = this.reached?.[this.log.partitionOf(conv)] ?? 0
    return (stored) => stored.streamSeq > reached
  }

  // The whole log is followed whoever is connected: there is nothing to subscribe to or drop.
  watch(): void {}
  unwatch(): void {}
  watchUser(): void {}
  unwatchUser(): void {}
}
