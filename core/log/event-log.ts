import { setTimeout as sleep } from 'node:timers/promises'
import { DeliverPolicy, jetstream, jetstreamManager, type DirectMsgRequest, type JetStreamClient, type JetStreamManager, type JsMsg, type StoredMsg } from '@nats-io/jetstream'
import type { MsgHdrs, NatsConnection, Status } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/events.js'
import { describeErrors } from '../../schemas/validator.js'
import { decodeEvent, encodeForAppend, seqFromHeaders } from './codec.js'
import { partitionOf, streamName, subjectOf, DEFAULT_NAMES, type LogNames } from './partitions.js'
import { AckPublisher, NoStreamListeningError, PublishRefusedError, PublishTimeoutError } from './publisher.js'
import { ReadStats } from './read-stats.js'
import { locateStreamSeq } from './seq-locator.js'
import { ensureStreams, type StreamSettings } from './streams.js'

/** JetStream's "wrong last sequence": another writer appended to the conversation first. */
const WRONG_LAST_SEQUENCE = 10071
/** JetStream refusals that say "not now" (cluster or stream temporarily unavailable, no leader yet), not "never". */
const NOT_NOW = new Set([10008, 10009])
/** Reads of at most this many events go by direct gets: cheaper than creating, draining and deleting an ordered consumer for a short gap. */
const DIRECT_READ_MAX = 8

export interface LogOptions extends Partial<StreamSettings> {
  names?: Partial<LogNames>
  /** How long one publish waits for its ack before it is retried with the same Nats-Msg-Id. */
  publishTimeoutMs?: number
  /** At most this many attempts of one append may go unanswered (each is safe: the msg id makes retries idempotent). */
  publishAttempts?: number
  /** How long one JetStream request of a read (direct get, ordered consumer) waits before it is tried again. */
  requestTimeoutMs?: number
  /**
   * How long an append or a read keeps trying while its stream cannot answer —
   * a replicated stream elects a new leader after losing one (4–9 s on
   * nats-server 2.9) — before the log reports itself unavailable.
   */
  failoverWaitMs?: number
}

class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError'
}

/** The log could not answer in time (a stream without a leader, a server gone); for an append the outcome is unknown, and a retry with the same command id is safe. */
export class LogUnavailableError extends Error {
  override readonly name = 'LogUnavailableError'
}

/** An ordered consumer that stopped delivering before the end of its range (e.g. its stream lost its leader). */
class ScanStalledError extends Error {
  override readonly name = 'ScanStalledError'
}

/** The connection dropped or came back while a read waited: its answer may never come, so it is asked again. */
class ConnectionChangedError extends Error {
  override readonly name = 'ConnectionChangedError'
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
  /** What this log's reads have cost so far (direct gets, consumers): the measure of range-read tests and benchmarks. */
  readonly readStats = new ReadStats()
  private readonly js: JetStreamClient
  private readonly publisher: AckPublisher
  private readonly publishTimeoutMs: number
  private readonly publishAttempts: number
  private readonly requestTimeoutMs: number
  private readonly failoverWaitMs: number
  private closed = false
  /** Reads waiting for an answer, told when the connection drops or comes back. */
  private readonly waitingReads = new Set<(err: Error) => void>()
  private readonly statuses: AsyncIterable<Status> & { stop?(): void }

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    /** The log's own reads: short request timeouts, each retried until failoverWaitMs. */
    private readonly reads: JetStreamManager,
    names: LogNames,
    opts: LogOptions,
  ) {
    this.names = names
    this.publishTimeoutMs = opts.publishTimeoutMs ?? 2000
    this.publishAttempts = opts.publishAttempts ?? 5
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 1000
    this.failoverWaitMs = opts.failoverWaitMs ?? 10_000
    this.js = jetstream(nc, { timeout: this.requestTimeoutMs })
    this.publisher = new AckPublisher(nc)
    const statuses = nc.status()
    this.statuses = statuses
    void (async () => {
      for await (const s of statuses) {
        if (s.type !== 'disconnect' && s.type !== 'reconnect') continue
        const err = new ConnectionChangedError(`the connection ${s.type === 'disconnect' ? 'dropped' : 'was re-established'} while a read waited`)
        for (const giveUp of [...this.waitingReads]) giveUp(err)
      }
    })().catch(() => undefined)
  }

  /** Opens the log, creating or updating its partition streams (idempotent). */
  static async open(nc: NatsConnection, opts: LogOptions = {}): Promise<EventLog> {
    const names = { ...DEFAULT_NAMES, ...opts.names }
    const settings = { replicas: opts.replicas ?? 1, duplicateWindowMs: opts.duplicateWindowMs ?? 120_000 }
    const jsm = await ensureStreams(nc, names, settings)
    const reads = await jetstreamManager(nc, { timeout: opts.requestTimeoutMs ?? 1000, checkAPI: false })
    return new EventLog(nc, jsm, reads, names, opts)
  }

  partitionOf(conv: string): number {
    return partitionOf(conv, this.names.partitions)
  }

  streamOf(conv: string): string {
    return streamName(this.names, this.partitionOf(conv))
  }

  /** The last event of a conversation, or null when it has none. */
  last(conv: string): Promise<StoredEvent | null> {
    return this.untilAvailable(`last of ${conv}`, async () => {
      const m = await this.directGet(this.streamOf(conv), { last_by_subj: subjectOf(this.names, conv) })
      return m ? { event: decodeEvent(m.data), streamSeq: m.seq } : null
    })
  }

  head(conv: string): Promise<Head> {
    return this.untilAvailable(`head of ${conv}`, () => this.headOnce(conv))
  }

  /** The stored event at a stream position of a partition, or null when there is none (or it was erased). */
  atStreamSeq(partition: number, streamSeq: number): Promise<StoredEvent | null> {
    return this.untilAvailable(`stream position ${streamSeq} of partition ${partition}`, async () => {
      const m = await this.directGet(streamName(this.names, partition), { seq: streamSeq })
      return m ? { event: decodeEvent(m.data), streamSeq: m.seq } : null
    })
  }

  /**
   * Appends one event whose seq is expected.seq + 1, only if the conversation's
   * last stream sequence is still expected.streamSeq. The msg id makes a retried
   * append return the first one's position instead of writing a second copy.
   */
  async append(event: SeqlineEvent, expected: Head, msgId: string): Promise<AppendResult> {
    if (event.seq !== expected.seq + 1) throw new Error(`event seq ${event.seq} does not follow head ${expected.seq}`)
    // The log is kept forever: an event that breaks its schema never enters it, whatever wrote it.
    const encoded = encodeForAppend(event)
    if (!encoded.ok) throw new InvalidEventError(`${event.conv}#${event.seq} ${event.type}: ${describeErrors(encoded.errors)}`)
    const { body, headers } = encoded
    headers.set('Nats-Msg-Id', msgId)
    headers.set('Nats-Expected-Last-Subject-Sequence', String(expected.streamSeq))
    const subject = subjectOf(this.names, event.conv)
    const deadline = Date.now() + this.failoverWaitMs
    let unanswered = 0
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.publisher.publish(subject, body, headers, this.publishTimeoutMs)
        return ack.duplicate ? { status: 'duplicate', streamSeq: ack.seq } : { status: 'appended', streamSeq: ack.seq }
      } catch (err) {
        if (err instanceof PublishRefusedError && err.code === WRONG_LAST_SEQUENCE) return { status: 'conflict' }
        // Only a PubAck confirms an append. Every retry carries the same msg id and the same expected
        // last subject sequence, so one that lands after an unanswered attempt did is reported as a
        // duplicate (or a conflict), never stored twice.
        const timedOut = err instanceof PublishTimeoutError
        const notNow = err instanceof NoStreamListeningError || (err instanceof PublishRefusedError && NOT_NOW.has(err.code))
        if (!(timedOut || notNow) || this.closed) throw err
        if ((timedOut && ++unanswered >= this.publishAttempts) || Date.now() >= deadline) {
          throw new LogUnavailableError(`append to ${event.conv} not confirmed after ${attempt} attempts: ${(err as Error).message}`, { cause: err })
        }
        // An unanswered attempt is retried at once (its wait was the pause); a stream without a leader
        // answers at once, so those are spaced out until one is elected.
        if (notNow) await sleep(pause(attempt))
      }
    }
  }

  /** Raw publish through the same path as append, without checks: the ceiling benchmarks compare with. */
  publishRaw(subject: string, body: Uint8Array, headers?: MsgHdrs): Promise<unknown> {
    return this.publisher.publish(subject, body, headers, this.publishTimeoutMs)
  }

  close(): void {
    this.closed = true
    this.statuses.stop?.()
    this.publisher.close()
  }

  /**
   * Reads up to `limit` events by conversation seq, in ascending seq order.
   * The start is found by binary search over stream positions, so the cost
   * does not depend on how deep in the conversation the range lies.
   */
  read(conv: string, range: ReadRange): Promise<StoredEvent[]> {
    return this.untilAvailable(`read of ${conv}`, async () => {
      const head = await this.headOnce(conv)
      const [first, last] = seqBounds(range, head.seq)
      if (first > last) return []
      const stream = this.streamOf(conv)
      const subject = subjectOf(this.names, conv)
      const start = await locateStreamSeq((query) => this.directGet(stream, query), subject, first, head)
      if (start === null) return []
      const count = last - first + 1
      const events = count <= DIRECT_READ_MAX ? await this.getEach(stream, subject, start, head.streamSeq, count) : await this.scan(stream, subject, start, head.streamSeq, count)
      return events.filter((e) => e.event.seq >= first && e.event.seq <= last)
    })
  }

  /** Every event of the conversation stored after a stream position, up to its head. */
  readAfter(conv: string, streamSeq: number): Promise<StoredEvent[]> {
    return this.untilAvailable(`read of ${conv}`, async () => {
      const stream = this.streamOf(conv)
      const subject = subjectOf(this.names, conv)
      const first = await this.directGet(stream, { seq: streamSeq + 1, next_by_subj: subject })
      if (!first) return []
      const head = await this.headOnce(conv)
      const firstStored = { event: decodeEvent(first.data), streamSeq: first.seq }
      if (first.seq >= head.streamSeq) return [firstStored]
      // A writer catching up after a lost race is usually a few events behind: direct gets, no consumer.
      const count = head.seq - firstStored.event.seq + 1
      if (count <= DIRECT_READ_MAX) return [firstStored, ...(await this.getEach(stream, subject, first.seq + 1, head.streamSeq, count - 1))]
      return this.scan(stream, subject, first.seq, head.streamSeq, Infinity)
    })
  }

  private async headOnce(conv: string): Promise<Head> {
    const m = await this.directGet(this.streamOf(conv), { last_by_subj: subjectOf(this.names, conv) })
    return m ? { seq: seqFromHeaders(m.header), streamSeq: m.seq } : { seq: 0, streamSeq: 0 }
  }

  /** Every direct get of the log goes through here, so readStats counts them all. */
  private directGet(stream: string, query: DirectMsgRequest): Promise<StoredMsg | null> {
    this.readStats.directGet('seq' in query && typeof query.seq === 'number' ? query.seq : undefined)
    return this.reads.direct.getMessage(stream, query)
  }

  /** Up to `limit` of one subject's events from a stream position, one direct get each. */
  private async getEach(stream: string, subject: string, startSeq: number, endSeq: number, limit: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = []
    for (let at = startSeq; out.length < limit && at <= endSeq; ) {
      const m = await this.directGet(stream, { seq: at, next_by_subj: subject })
      if (!m || m.seq > endSeq) break
      out.push({ event: decodeEvent(m.data), streamSeq: m.seq })
      at = m.seq + 1
    }
    return out
  }

  /**
   * Streams one subject's events from a known stream position with an ordered
   * consumer, stopping at `limit` events or at the last stream seq known to exist.
   * Creating the consumer needs the stream's leader; one that stops delivering
   * short of the end (its stream lost its leader) is given up, and the read retried.
   */
  private async scan(stream: string, subject: string, startSeq: number, endSeq: number, limit: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = []
    this.readStats.consumer()
    const consumer = await this.js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
      inactive_threshold: 30_000,
    })
    const messages = await consumer.consume({ max_messages: Math.min(limit, 512) })
    let heard = Date.now()
    let stalled = false
    const stallMs = 2 * this.requestTimeoutMs
    const watch = setInterval(() => {
      if (Date.now() - heard < stallMs) return
      stalled = true
      messages.stop()
    }, Math.max(50, stallMs / 4))
    let complete = false
    try {
      for await (const m of messages) {
        heard = Date.now()
        out.push(toStored(m))
        if (out.length >= limit || m.seq >= endSeq || m.info.pending === 0) {
          complete = true
          break
        }
      }
    } finally {
      clearInterval(watch)
      messages.stop()
      // Not awaited: the read has what it needs, and an unreachable leader would hold it for a request timeout; the server drops an idle ordered consumer on its own.
      consumer.delete().catch(() => undefined)
    }
    if (!complete) throw new ScanStalledError(`${subject}: the ordered consumer ${stalled ? `delivered nothing for ${stallMs} ms` : 'stopped'} after ${out.length} events`)
    return out
  }

  /**
   * Runs an idempotent read until it succeeds, retrying it while the stream
   * cannot answer (request timeouts, no responders, "temporarily unavailable")
   * for up to failoverWaitMs; then reports the log unavailable.
   */
  private async untilAvailable<T>(what: string, read: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.failoverWaitMs
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.unlessConnectionChanges(read())
      } catch (err) {
        if (!isNotNow(err) || this.closed) throw err
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

/** Failures that pass once the stream has a leader again, as opposed to refusals and bugs. */
function isNotNow(err: unknown): boolean {
  const e = err as { name?: string; code?: unknown; status?: unknown; cause?: { name?: string } } | null
  if (!e || typeof e !== 'object') return false
  if (e instanceof ScanStalledError || e instanceof ConnectionChangedError || e.name === 'TimeoutError') return true
  // No responders (a 503): what nats.js reports for a request nothing listens to, directly or as a cause.
  if (e.name === 'NoResponders' || e.cause?.name === 'NoResponders' || e.name === 'JetStreamNotEnabled') return true
  // A JetStream API error carries the HTTP-like status and JetStream's err_code; a status reply (direct get) only the status.
  if (e.name === 'JetStreamApiError') return e.status === 503 || NOT_NOW.has(Number(e.code))
  if (e.name === 'JetStreamStatusError') return e.code === 503 || e.code === 408
  return false
}

/** Pause before the next try while a stream cannot answer: 50, then 100 ms, with jitter so retries do not march in step. */
function pause(attempt: number): number {
  const base = Math.min(100, 25 * 2 ** attempt)
  return base * (0.75 + Math.random() * 0.5)
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
