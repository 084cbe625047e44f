import type { Cursor, Followed } from '../../core/log/index.js'
import { EVENT_TYPES, type EventType } from '../../schemas/index.js'

/**
 * What a processor is to the log: a projector builds views, a sink copies the
 * log to another store, a reactor acts on events (erasing, delivering
 * webhooks), live fan-out routes them to connections.
 */
type ProcessorKind = 'projector' | 'sink' | 'reactor' | 'live'

/**
 * One consumer of the log, declared: its name, the event types it handles,
 * where its checkpoint lives and how it applies and commits. The runtime
 * (ProcessorRunner) follows the log from the checkpoint, applies, batches and
 * commits; a Supervisor runs it under a lease or restarts it on failure.
 */
export interface Processor<B = unknown> {
  readonly name: string
  readonly kind: ProcessorKind
  /** apply() is given these event types only; the others just move the position on. */
  readonly handles: ReadonlySet<EventType>
  /** Brings the checkpoint store back to its last commit and says where to follow the log from. */
  recover(): Promise<Cursor>
  /**
   * Applies one event. It must be idempotent, because events after the last
   * commit are delivered again after a crash.
   */
  apply(f: Followed): Promise<void> | void
  /** Absent for a processor whose checkpoint is in memory only (live fan-out): nothing is batched or committed. */
  readonly commits?: Commits<B>
  close?(): void
}

/** How a processor commits: what was applied since the last commit, and the log position it reaches, as one. */
interface Commits<B> {
  /** What was applied since the last take; called while no apply() is half done. */
  take(): B
  /** A batch that changes nothing; committed only when the position moved. */
  empty(batch: B): boolean
  /** Stores the batch and its position together: after a crash both are there or neither. */
  commit(batch: B, position: Cursor): Promise<void>
  /** Forgets every commit and what it stored, for a rebuild from the first event. */
  reset(): Promise<void>
}

export const EVERY_EVENT: ReadonlySet<EventType> = new Set(EVENT_TYPES)
