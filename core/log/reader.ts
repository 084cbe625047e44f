import { DeliverPolicy, type JetStreamClient, type JsMsg } from '@nats-io/jetstream'
import { type Availability, ScanStalledError } from './availability.js'
import { decodeEvent, seqFromHeaders } from './codec.js'
import type { DirectMsg, DirectQuery, DirectReader } from './direct-reader.js'
import type { Head, ReadRange, StoredBody, StoredEvent } from './event-log.js'
import { type LogNames, partitionOf, streamName, subjectOf } from './partitions.js'
import { ReadStats } from './read-stats.js'
import { locateStreamSeq } from './seq-locator.js'

/** A whole-conversation scan pulls this many events at a time: one round trip per pull, and one batch handed on. */
const SCAN_PULL = 10_000

/** Where a scan of a conversation starts and ends, found before its consumer is made. */
interface ScanPlan {
  stream: string
  subject: string
  startSeq: number
  /** The last conversation seq wanted. */
  last: number
}

/** Reads of at most this many events go by direct gets: cheaper than creating, draining and deleting an ordered consumer for a short gap. */
const DIRECT_READ_MAX = 8

/**
 * The log's reads: by conversation seq (a binary search over stream positions,
 * then direct gets for a short range or an ordered consumer for a long one),
 * each retried through a failover.
 */
export class LogReader {
  /** What the reads have cost so far (direct gets, consumers): the measure of range-read tests and benchmarks. */
  readonly readStats = new ReadStats()

  constructor(
    private readonly js: JetStreamClient,
    /** Direct gets with short request timeouts (requestTimeoutMs), each retried until the failover wait is over. */
    private readonly reads: DirectReader,
    private readonly names: LogNames,
    private readonly availability: Availability,
    private readonly requestTimeoutMs: number,
  ) {}

  last(conv: string): Promise<StoredEvent | null> {
    return this.availability.untilAvailable(`last of ${conv}`, async () => {
      const m = await this.directGet(this.streamOf(conv), { last_by_subj: subjectOf(this.names, conv) })
      return m ? { event: decodeEvent(m.data), streamSeq: m.seq } : null
    })
  }

  head(conv: string): Promise<Head> {
    return this.availability.untilAvailable(`head of ${conv}`, () => this.headOnce(conv))
  }

  atStreamSeq(partition: number, streamSeq: number): Promise<StoredEvent | null> {
    return this.availability.untilAvailable(`stream position ${streamSeq} of partition ${partition}`, async () => {
      const m = await this.directGet(streamName(this.names, partition), { seq: streamSeq })
      return m ? { event: decodeEvent(m.data), streamSeq: m.seq } : null
    })
  }

  /**
   * Up to `limit` events by conversation seq, in ascending seq order. The start
   * is found by binary search over stream positions, so the cost does not
   * depend on how deep in the conversation the range lies.
   */
  read(conv: string, range: ReadRange): Promise<StoredEvent[]> {
    return this.availability.untilAvailable(`read of ${conv}`, async () => {
      const head = await this.headOnce(conv)
      const [first, last] = seqBounds(range, head.seq)
      if (first > last) return []
      const stream = this.streamOf(conv)
      const subject = subjectOf(this.names, conv)
      const start = await locateStreamSeq((query) => this.directGet(stream, query), subject, first, head)
      if (start === null) return []
      const count = last - first + 1
      const events =
        count <= DIRECT_READ_MAX
          ? await this.getEach(stream, subject, start, head.streamSeq, count)
          : await this.scan(stream, subject, start, head.streamSeq, count)
      return events.filter((e) => e.event.seq >= first && e.event.seq <= last)
    })
  }

  readAfter(conv: string, streamSeq: number): Promise<StoredEvent[]> {
    return this.availability.untilAvailable(`read of ${conv}`, async () => {
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

  /**
   * Every stored event of a conversation up to seq `upTo`, not decoded, in
   * batches of up to SCAN_PULL: one lookup of the start and one ordered
   * consumer for the whole conversation. A consumer that stalls (its stream
   * lost its leader) is replaced, from the seq after the last one handed on,
   * for as long as a read waits through a failover.
   */
  async *scanConversation(conv: string, upTo: number): AsyncGenerator<StoredBody[]> {
    let from = 1
    let deadline = Date.now() + this.availability.failoverWaitMs
    for (;;) {
      const plan = await this.availability.untilAvailable(`scan of ${conv}`, () => this.scanPlan(conv, from, upTo))
      if (!plan) return
      try {
        for await (const batch of this.scanFrom(plan)) {
          from = batch.at(-1)!.seq + 1
          deadline = Date.now() + this.availability.failoverWaitMs
          yield batch
        }
        return
      } catch (err) {
        if (!(err instanceof ScanStalledError) || this.availability.closed || Date.now() >= deadline) throw err
      }
    }
  }

  private async scanPlan(conv: string, from: number, upTo: number): Promise<ScanPlan | null> {
    const head = await this.headOnce(conv)
    const last = Math.min(upTo, head.seq)
    if (from > last) return null
    const stream = this.streamOf(conv)
    const subject = subjectOf(this.names, conv)
    const startSeq = await locateStreamSeq((query) => this.directGet(stream, query), subject, from, head)
    return startSeq === null ? null : { stream, subject, startSeq, last }
  }

  /** One ordered consumer from the plan's start to its end, pulled SCAN_PULL events at a time; a pull that brings nothing has stalled. */
  private async *scanFrom(plan: ScanPlan): AsyncGenerator<StoredBody[]> {
    this.readStats.consumer()
    const consumer = await this.js.consumers.get(plan.stream, {
      filter_subjects: plan.subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: plan.startSeq,
      inactive_threshold: 30_000,
    })
    try {
      for (;;) {
        const batch: StoredBody[] = []
        let done = false
        for await (const m of await consumer.fetch({ max_messages: SCAN_PULL, expires: Math.max(5_000, 2 * this.requestTimeoutMs) })) {
          const seq = seqFromHeaders(m.headers)
          if (seq <= plan.last) batch.push({ seq, body: m.data })
          // The event at the head when the scan began ends it. Its stream position and pending count are not read
          // per message (parsing the ack subject cost a tenth of the scan); should events from the last seq on be
          // erased meanwhile, the pull finds nothing more, and the retry plans again from the head as it is then.
          done = seq >= plan.last
          if (done) break
        }
        if (batch.length > 0) yield batch
        if (done) return
        if (batch.length === 0) throw new ScanStalledError(`${plan.subject}: a pull of the ordered consumer brought nothing`)
      }
    } finally {
      // Not awaited, as in scan(): the server drops an idle ordered consumer on its own.
      consumer.delete().catch(() => undefined)
    }
  }

  private streamOf(conv: string): string {
    return streamName(this.names, partitionOf(conv, this.names.partitions))
  }

  private async headOnce(conv: string): Promise<Head> {
    const m = await this.directGet(this.streamOf(conv), { last_by_subj: subjectOf(this.names, conv) })
    return m ? { seq: seqFromHeaders(m.header), streamSeq: m.seq } : { seq: 0, streamSeq: 0 }
  }

  /** Every direct get of the log goes through here, so readStats counts them all. */
  private directGet(stream: string, query: DirectQuery): Promise<DirectMsg | null> {
    this.readStats.directGet('seq' in query ? query.seq : undefined)
    return this.reads.get(stream, query, this.requestTimeoutMs)
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
    const watch = setInterval(
      () => {
        if (Date.now() - heard < stallMs) return
        stalled = true
        messages.stop()
      },
      Math.max(50, stallMs / 4),
    )
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
    if (!complete)
      throw new ScanStalledError(`${subject}: the ordered consumer ${stalled ? `delivered nothing for ${stallMs} ms` : 'stopped'} after ${out.length} events`)
    return out
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
