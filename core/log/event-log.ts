import type { SeqlineEvent } from '../../schemas/index.js'

/** An event as stored: the event and its position in its partition. */
export interface StoredEvent {
  event: SeqlineEvent
  streamSeq: number
}

/** An event as stored, not decoded: its conversation seq (from its header) and its bytes, for readers that pass events through. */
export interface StoredBody {
  seq: number
  body: Uint8Array
}

/** The end of a conversation's log as a writer must know it to append. */
export interface Head {
  seq: number
  streamSeq: number
}

export type AppendResult =
  | { status: 'appended'; streamSeq: number }
  /** The msg id was seen before: the event at streamSeq is what that first attempt wrote. */
  | { status: 'duplicate'; streamSeq: number }
  /** The conversation moved past `expected`: reload and decide again. */
  | { status: 'conflict' }

export interface ReadRange {
  /** First seq to return going forward, or last seq going backward. */
  from: number
  limit: number
  direction?: 'forward' | 'backward'
}

/** How far a follower has got: the last stream seq handled, per partition. Absent means nothing yet. */
export type Cursor = Record<number, number>

export interface Followed {
  partition: number
  streamSeq: number
  /** The event; a log that holds its bytes decodes it on first read, so a follower that skips it never pays for that. */
  readonly event: SeqlineEvent
  /** Its conversation, when the log knows it without decoding (from the subject). */
  readonly conv?: string
  /** The JSON bytes as stored, when the log holds them. */
  readonly body?: Uint8Array
}

export interface Follower {
  /** The position after the last event whose handler returned; persist it to resume there. */
  readonly cursor: Cursor
  /** Settles when the follower stops; rejects with the first handler error, which stops every partition. */
  readonly done: Promise<void>
  stop(): Promise<void>
}

/** One event as live delivery by interest receives it: its conversation seq and its stored bytes. */
export interface LiveCopy {
  seq: number
  body: Uint8Array
}

/** An event that adds a user to a conversation, announced to that user as it is stored. */
export interface JoinNotice {
  conv: string
  seq: number
}

export interface LiveSubscription {
  /** Settles once the server has the interest: what is stored after that is sent to it. Rejects when the connection closed first. */
  readonly ready: Promise<void>
  close(): void
}

/** One partition as operators see it (doctor, lag). */
export interface PartitionInfo {
  /** The name stored positions are referenced by (the partition's stream). */
  name: string
  events: number
  bytes: number
  /** The position of the last event stored in the partition; 0 when none was. */
  lastStreamSeq: number
  replicas: number
  /** Whether single events can be read by position without a consumer (JetStream's direct get). */
  directGet: boolean
}

/**
 * The event log: each conversation is an ordered, dense sequence of events
 * (seq 1, 2, 3, ...) kept in one of P partitions, each event also at a
 * position (stream seq) of its partition. Appends are optimistic: they name
 * the head they were decided against and are refused once another append got
 * there first; a msg id makes a retried append return the first one's position.
 */
export interface EventLog {
  readonly partitions: number
  partitionOf(conv: string): number
  /** The name of a partition's stream, by which a stored position is referenced outside the log. */
  streamOfPartition(partition: number): string

  /** The head of a conversation: its last seq and that event's position ({0, 0} when it has none). */
  head(conv: string): Promise<Head>
  /** The last event of a conversation, or null when it has none. */
  last(conv: string): Promise<StoredEvent | null>
  /** Up to `range.limit` events by conversation seq, in ascending seq order; erased seqs are holes. */
  read(conv: string, range: ReadRange): Promise<StoredEvent[]>
  /**
   * Every stored event of a conversation from seq 1 up to `upTo`, in seq
   * order, not decoded, in batches: for readers of a whole conversation
   * (audits, replays), which would otherwise pay a lookup and a consumer per page.
   */
  scan(conv: string, upTo: number): AsyncGenerator<StoredBody[]>
  /** Every event of the conversation stored after a position, up to its head. */
  readAfter(conv: string, streamSeq: number): Promise<StoredEvent[]>
  /** The event at a position of a partition, or null when there is none (or it was erased). */
  atStreamSeq(partition: number, streamSeq: number): Promise<StoredEvent | null>
  /** The first event of a partition stored after a position (erased ones skipped), or null. */
  firstAfter(partition: number, streamSeq: number): Promise<StoredEvent | null>

  /**
   * Appends one event whose seq is expected.seq + 1, only if the conversation's
   * last position is still expected.streamSeq. Throws InvalidEventError for an
   * event that breaks its schema, LogUnavailableError when the outcome is unknown.
   */
  append(event: SeqlineEvent, expected: Head, msgId: string): Promise<AppendResult>
  /** Erases one stored event for good (burn after read): its seq becomes a hole. */
  erase(conv: string, streamSeq: number): Promise<boolean>
  /**
   * Keeps the record of an erased event (its link form: no content, no salt)
   * that the hash chain is verified with in its place. Idempotent.
   */
  keepErased(conv: string, seq: number, record: string): Promise<void>
  /** The record kept for an erased seq, or null when none was kept. */
  erasedRecord(conv: string, seq: number): Promise<string | null>

  /**
   * Delivers every event after `from` in log order per partition (so in seq
   * order per conversation); each handler call finishes before the next event
   * of its partition is delivered, partitions run side by side. With `only`,
   * just those partitions are followed (a process that holds some of them).
   */
  follow(from: Cursor, handle: (f: Followed) => Promise<void> | void, only?: readonly number[]): Promise<Follower>
  /**
   * Follows every partition for live delivery: as follow, for a handler that
   * returns nothing and never waits (it is called as each event arrives,
   * without a promise per event). A handler that throws stops following.
   */
  followLive(from: Cursor, deliver: (f: Followed) => void): Promise<Follower>
  /**
   * Live delivery by interest: a copy of each event of the conversation as it
   * is stored. Copies are sent at most once and may be lost (a dropped
   * connection, a writer that died between its append and its copy), so a
   * subscriber finds gaps by seq and reads them with `read`.
   */
  subscribeLive(conv: string, deliver: (copy: LiveCopy) => void): LiveSubscription
  /** The events that add the user to a conversation, announced as they are stored; at most once, like the copies. */
  subscribeJoins(user: string, deliver: (join: JoinNotice) => void): LiveSubscription
  /** Calls `then` each time copies and notices may have been missed (the connection to the log came back); returns what stops it. */
  onLiveGap(then: () => void): () => void
  /** Every event stored from `since` on and written up to `until` (ms), partition by partition; ends even while the log grows. */
  eventsBetween(since: number, until?: number): AsyncGenerator<SeqlineEvent>

  partitionInfo(partition: number): Promise<PartitionInfo>
  /** The last position of every partition: what a follower starting "now" starts after. */
  end(): Promise<Cursor>

  close(): void
}
