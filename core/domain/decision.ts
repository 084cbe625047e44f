import type { Command, ContentType, EventType, PendingEvent } from '../../schemas/index.js'
import type { Refusal } from './refusal.js'

/** What the handler knows of the message a command targets, loaded from the log before deciding. */
export interface TargetMessage {
  seq: number
  type: EventType
  actor: string
  at: number
  contentType?: ContentType
  burnAfter?: number
  /** For a thread reply: the root it replies under. */
  thread?: number
}

/** Facts from outside the log that a decision depends on; supplied by the handler so that decide stays pure. */
export interface CommandMetadata {
  now: number
  /** For targeting commands: the target message, or null when the log has none at that seq. */
  target?: TargetMessage | null
  /**
   * For a burn: the message each listed edit seq edits (its `target`), or null when the log holds no edit there.
   * For a recall with erase: every edit in the log after the target, with the message it edits.
   */
  edits?: ReadonlyMap<number, number | null>
  /** For an erasure: what the log holds at each target seq, or null when it holds nothing there (erased, or never written). */
  contents?: ReadonlyMap<number, TargetMessage | null>
  /** For the commands blocking applies to (blocking.ts), in a direct conversation: whether the other member blocks the actor. */
  blocked?: boolean
}

export type DecidableCommand = Command & { metadata: CommandMetadata }

export type Decision = { ok: true; events: PendingEvent[] } | { ok: false; refusal: Refusal }

export const accept = (...events: PendingEvent[]): Decision => ({ ok: true, events })
export const reject = (refusal: Refusal): Decision => ({ ok: false, refusal })

/** Drops keys whose value is undefined, so optional fields stay absent rather than null. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
