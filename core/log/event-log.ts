import { DeliverPolicy, jetstream, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/events.js'
import { describeErrors, validateEvent } from '../../schemas/validator.js'
import { decodeEvent, encodeEvent, seqFromHeaders } from './codec.js'
import { partitionOf, streamName, subjectOf, DEFAULT_NAMES, type LogNames } from './partitions.js'
import { AckPublisher, PublishRefusedError, PublishTimeoutError } from './publisher.js'
import { locateStreamSeq } from './seq-locator.js'
import { ensureStreams, type StreamSettings } from './streams.js'

/** JetStream's "wrong last sequence": another writer appended to the conversation first. */
const WRONG_LAST_SEQUENCE = 10071

export interface LogOptions extends Partial<StreamSettings> {
  names?: Partial<LogNames>
  /** How long one publish waits for its ack before it is retried with the same Nats-Msg-Id. */
  publishTimeoutMs?: number
  /** Publish attempts for one append when acks time out (each is safe: the msg id makes retries idempotent). */
  publishAttempts?: number
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError'
}

/** An event as stored: the event and its position in its partition stream. */
export interface StoredEvent {
  event: SeqlineEvent
  streamSeq: number
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

/**
 * The event log: each conversation is a subject in one of P partition streams,
 * its seq carried in a header and kept dense with optimistic concurrency on
 * the subject's last stream sequence.
 */
export class EventLog {
  readonly names: LogNames
  private readonly js: JetStreamClient
  private readonly publisher: AckPublisher
  private readonly publishTimeoutMs: number
  private readonly publishAttempts: number

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    names: LogNames,
    opts: LogOptions,
  ) {
    this.names = names
    this.js = jetstream(nc)
    this.publisher = new AckPublisher(nc)
    this.publishTimeoutMs = opts.publishTimeoutMs ?? 5000
    this.publishAttempts = opts.publishAttempts ?? 3
  }

  /** Opens the log, creating or updating its partition streams (idempotent). */
  static async open(nc: NatsConnection, opts: LogOptions = {}): Promise<EventLog> {
    const names = { ...DEFAULT_NAMES, ...opts.names }
    const settings = { replicas: opts.replicas ?? 1, duplicateWindowMs: opts.duplicateWindowMs ?? 120_000 }
    const jsm = await ensureStreams(nc, names, settings)
    return new EventLog(nc, jsm, names, opts)
  }

  partitionOf(conv: string): number {
    return partitionOf(conv, this.names.partitions)
  }

  streamOf(conv: string): string {
    return streamName(this.names, this.partitionOf(conv))
  }

  /** The last event of a conversation, or null when it has none. */
  async last(conv: string): Promise<StoredEvent | null> {
    const m = await this.jsm.direct.getMessage(this.streamOf(conv), { last_by_subj: subjectOf(this.names, conv) })
    return m ? { event: decodeEvent(m.data), streamSeq: m.seq } : null
  }

  async head(conv: string): Promise<Head> {
    const m = await this.jsm.direct.getMessage(this.streamOf(conv), { last_by_subj: subjectOf(this.names, conv) })
    return m ? { seq: seqFromHeaders(m.header), streamSeq: m.seq } : { seq: 0, streamSeq: 0 }
  }

  /** The stored event at a stream position of a partition, or null when there is none (or it was erased). */
  async atStreamSeq(partition: number, streamSeq: number): Promise<StoredEvent | null> {
    const m = await this.jsm.direct.getMessage(streamName(this.names, partition), { seq: streamSeq })
    return m ? { event: decodeEvent(m.data), streamSeq: m.seq } : null
  }

  /**
   * Appends one event whose seq is expected.seq + 1, only if the conversation's
   * last stream sequence is still expected.streamSeq. The msg id makes a retried
   * append return the first one's position instead of writing a second copy.
   */
  async append(event: SeqlineEvent, expected: Head, msgId: string): Promise<AppendResult> {
    if (event.seq !== expected.seq + 1) throw new Error(`event seq ${event.seq} does not follow head ${expected.seq}`)
    // The log is kept forever: an event that breaks its schema never enters it, whatever wrote it.
    const valid = validateEvent(event)
    if (!valid.ok) throw new InvalidEventError(`${event.conv}#${event.seq} ${event.type}: ${describeErrors(valid.errors)}`)
    const { body, headers } = encodeEvent(event)
    headers.set('Nats-Msg-Id', msgId)
    headers.set('Nats-Expected-Last-Subject-Sequence', String(expected.streamSeq))
    const subject = subjectOf(this.names, event.conv)
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.publisher.publish(subject, body, headers, this.publishTimeoutMs)
        return ack.duplicate ? { status: 'duplicate', streamSeq: ack.seq } : { status: 'appended', streamSeq: ack.seq }
      } catch (err) {
        if (err instanceof PublishRefusedError && err.code === WRONG_LAST_SEQUENCE) return { status: 'conflict' }
        // An unanswered publish may have landed; the same msg id makes the retry safe either way.
        if (!(err instanceof PublishTimeoutError) || attempt >= this.publishAttempts) throw err
      }
    }
  }

  /** Raw publish through the same path as append, without checks: the ceiling benchmarks compare with. */
  publishRaw(subject: string, body: Uint8Array, headers?: MsgHdrs): Promise<unknown> {
    return this.publisher.publish(subject, body, headers, this.publishTimeoutMs)
  }

  close(): void {
    this.publisher.close()
  }

  /**
   * Reads up to `limit` events by conversation seq, in ascending seq order.
   * The start is found by binary search over stream positions, so the cost
   * does not depend on how deep in the conversation the range lies.
   */
  async read(conv: string, range: ReadRange): Promise<StoredEvent[]> {
    const head = await this.head(conv)
    const [first, last] = seqBounds(range, head.seq)
    if (first > last) return []
    const stream = this.streamOf(conv)
    const subject = subjectOf(this.names, conv)
    const start = await locateStreamSeq(this.jsm, stream, subject, first, head)
    if (start === null) return []
    const events = await this.scan(stream, subject, start, head.streamSeq, last - first + 1)
    return events.filter((e) => e.event.seq >= first && e.event.seq <= last)
  }

  /** Every event of the conversation stored after a stream position, up to its head. */
  async readAfter(conv: string, streamSeq: number): Promise<StoredEvent[]> {
    const stream = this.streamOf(conv)
    const subject = subjectOf(this.names, conv)
    const first = await this.jsm.direct.getMessage(stream, { seq: streamSeq + 1, next_by_subj: subject })
    if (!first) return []
    const head = await this.head(conv)
    const firstStored = { event: decodeEvent(first.data), streamSeq: first.seq }
    if (first.seq >= head.streamSeq) return [firstStored]
    return this.scan(stream, subject, first.seq, head.streamSeq, Infinity)
  }

  /**
   * Streams one subject's events from a known stream position with an ordered
   * consumer, stopping at `limit` events or at the last stream seq known to exist.
   */
  private async scan(stream: string, subject: string, startSeq: number, endSeq: number, limit: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = []
    const consumer = await this.js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
      inactive_threshold: 30_000,
    })
    const messages = await consumer.consume({ max_messages: Math.min(limit, 512) })
    try {
      for await (const m of messages) {
        out.push(toStored(m))
        if (out.length >= limit || m.seq >= endSeq || m.info.pending === 0) break
      }
    } finally {
      messages.stop()
      await consumer.delete().catch(() => undefined)
    }
    return out
  }

  /** Erases one stored event for good (burn after read): overwritten on disk, not merely unlinked. */
  async erase(conv: string, streamSeq: number): Promise<boolean> {
    return this.jsm.streams.deleteMessage(this.streamOf(conv), streamSeq, true)
  }

  get partitions(): number {
    return this.names.partitions
  }

  streamOfPartition(p: number): string {
    return streamName(this.names, p)
  }
}

function toStored(m: JsMsg): StoredEvent {
  return { event: decodeEvent(m.data), streamSeq: m.seq }
}

function seqBounds(range: ReadRange, headSeq: number): [number, number] {
  if (range.direction === 'backward') {
    const last = Math.min(range.from, headSeq)
    return [Math.max(1, last - range.limit + 1), last]
  }
  return [Math.max(1, range.from), Math.min(headSeq, range.from + range.limit - 1)]
}
