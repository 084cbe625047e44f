import { setTimeout as sleep } from 'node:timers/promises'
import type { NatsConnection, Status } from '@nats-io/transport-node'
import { LogUnavailableError } from './errors.js'
import { isUnavailable } from './jetstream-errors.js'

/** An ordered consumer that stopped delivering before the end of its range (e.g. its stream lost its leader). */
export class ScanStalledError extends Error {
  override readonly name = 'ScanStalledError'
}

/** The connection dropped or came back while a read waited: its answer may never come, so it is asked again. */
class ConnectionChangedError extends Error {
  override readonly name = 'ConnectionChangedError'
}

/**
 * Keeps the log's requests going through a failover: a replicated stream
 * elects a new leader after losing one (4–9 s on nats-server 2.9), a server
 * restarts. Idempotent reads are retried until failoverWaitMs, then the log
 * reports itself unavailable.
 */
export class Availability {
  private closedFlag = false
  /** Reads waiting for an answer, told when the connection drops or comes back. */
  private readonly waitingReads = new Set<(err: Error) => void>()
  /** Told each time the connection comes back. */
  private readonly reconnectListeners = new Set<() => void>()
  private readonly statuses: AsyncIterable<Status> & { stop?(): void }

  constructor(
    nc: NatsConnection,
    readonly failoverWaitMs: number,
  ) {
    const statuses = nc.status()
    this.statuses = statuses
    void (async () => {
      for await (const s of statuses) {
        if (s.type !== 'disconnect' && s.type !== 'reconnect') continue
        const err = new ConnectionChangedError(`the connection ${s.type === 'disconnect' ? 'dropped' : 'was re-established'} while a read waited`)
        for (const giveUp of [...this.waitingReads]) giveUp(err)
        if (s.type === 'reconnect') for (const then of [...this.reconnectListeners]) then()
      }
    })().catch(() => undefined)
  }

  /** Calls `then` each time the connection comes back; returns what stops it. */
  onReconnect(then: () => void): () => void {
    const listener = () => then()
    this.reconnectListeners.add(listener)
    return () => this.reconnectListeners.delete(listener)
  }

  get closed(): boolean {
    return this.closedFlag
  }

  close(): void {
    this.closedFlag = true
    this.statuses.stop?.()
  }

  /**
   * Runs an idempotent read until it succeeds, retrying it while the stream
   * cannot answer (request timeouts, no responders, "temporarily unavailable")
   * for up to failoverWaitMs; then reports the log unavailable.
   */
  async untilAvailable<T>(what: string, read: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.failoverWaitMs
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.unlessConnectionChanges(read())
      } catch (err) {
        if (!isPassing(err) || this.closedFlag) throw err
        if (Date.now() >= deadline) throw new LogUnavailableError(`${what}: no answer after ${attempt} attempts: ${(err as Error).message}`, { cause: err })
        await sleep(pause(attempt))
      }
    }
  }

  /** The answer, or a ConnectionChangedError as soon as the connection drops or comes back: an answer meant for the old connection never comes. */
  private unlessConnectionChanges<T>(answer: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const giveUp = (err: Error) => {
        this.waitingReads.delete(giveUp)
        reject(err)
      }
      this.waitingReads.add(giveUp)
      answer.then(resolve, reject).finally(() => this.waitingReads.delete(giveUp))
    })
  }
}

/** Failures that pass once the stream has a leader again, as opposed to refusals and bugs. */
function isPassing(err: unknown): boolean {
  return err instanceof ScanStalledError || err instanceof ConnectionChangedError || isUnavailable(err)
}

/** Pause before the next try while a stream cannot answer: 50, then 100 ms, with jitter so retries do not march in step. */
export function pause(attempt: number): number {
  const base = Math.min(100, 25 * 2 ** attempt)
  return base * (0.75 + Math.random() * 0.5)
}
