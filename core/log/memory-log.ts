import type { SeqlineEvent } from '../../schemas/index.js'
import { describeErrors } from '../../schemas/index.js'
import { membershipChange } from '../domain/index.js'
import { decodeEvent, encodeForAppend } from './codec.js'
import { InvalidEventError } from './errors.js'
import type {
  AppendResult,
  Cursor,
  EventLog,
  Followed,
  Follower,
  Head,
  JoinNotice,
  LiveCopy,
  LiveSubscription,
  PartitionInfo,
  ReadRange,
  StoredBody,
  StoredEvent,
} from './event-log.js'
import { partitionOf } from './partitions.js'

interface Entry {
  conv: string
  seq: number
  streamSeq: number
  /** As JetStream stores it: encoded, so every read hands out a fresh event. */
  body: Uint8Array
  storedAt: number
}

/**
 * The log in memory, for fast tests of the layers above it (the command
 * handler): dense seqs per conversation, optimistic appends refused on a
 * stale head, idempotent msg ids, erasure and following. It keeps the
 * contract of EventLog, not JetStream's timings or failures; the log itself is
 * tested against a real nats-server.
 */
export class MemoryLog implements EventLog {
  private readonly streams: Array<Array<Entry | undefined>>
  private readonly byConv = new Map<string, number[]>()
  private readonly msgIds = new Map<string, number>()
  private readonly erasedRecords = new Map<string, string>()
  /** Followers waiting for the next append, per partition. */
  private readonly waiting: Array<Set<() => void>>
  /** Live delivery by interest: subscribers of each conversation's copies and of each user's joins. */
  private readonly copies = new Map<string, Set<(copy: LiveCopy) => void>>()
  private readonly joins = new Map<string, Set<(join: JoinNotice) => void>>()

  constructor(readonly partitions = 4) {
    this.streams = Array.from({ length: partitions }, () => [])
    this.waiting = Array.from({ length: partitions }, () => new Set())
  }

  partitionOf(conv: string): number {
    return partitionOf(conv, this.partitions)
  }

  streamOfPartition(partition: number): string {
    return `MEMORY_${partition}`
  }

  async head(conv: string): Promise<Head> {
    return this.headNow(conv)
  }

  async last(conv: string): Promise<StoredEvent | null> {
    return this.stored(conv).at(-1) ?? null
  }

  async read(conv: string, range: ReadRange): Promise<StoredEvent[]> {
    const all = this.stored(conv)
    const headSeq = all.at(-1)?.event.seq ?? 0
    const [first, last] =
      range.direction === 'backward'
        ? [Math.max(1, Math.min(range.from, headSeq) - range.limit + 1), Math.min(range.from, headSeq)]
        : [Math.max(1, range.from), Math.min(headSeq, range.from + range.limit - 1)]
    return all.filter((s) => s.event.seq >= first && s.event.seq <= last)
  }

  async *scan(conv: string, upTo: number): AsyncGenerator<StoredBody[]> {
    const stream = this.streams[this.partitionOf(conv)]!
    const batch: StoredBody[] = []
    for (const streamSeq of this.byConv.get(conv) ?? []) {
      const entry = stream[streamSeq - 1]
      if (entry && entry.seq <= upTo) batch.push({ seq: entry.seq, body: entry.body })
    }
    if (batch.length > 0) yield batch
  }

  async readAfter(conv: string, streamSeq: number): Promise<StoredEvent[]> {
    return this.stored(conv).filter((s) => s.streamSeq > streamSeq)
  }

  async atStreamSeq(partition: number, streamSeq: number): Promise<StoredEvent | null> {
    const entry = this.streams[partition]?.[streamSeq - 1]
    return entry ? toStored(entry) : null
  }

  async firstAfter(partition: number, streamSeq: number): Promise<StoredEvent | null> {
    const entry = this.streams[partition]?.slice(streamSeq).find((e) => e !== undefined)
    return entry ? toStored(entry) : null
  }

  /**
   * As on JetStream: the msg id is checked before the expected head, so a
   * retried append returns the original. Nothing is awaited between the check
   * and the store, so concurrent appends cannot both pass it.
   */
  async append(event: SeqlineEvent, expected: Head, msgId: string): Promise<AppendResult> {
    if (event.seq !== expected.seq + 1) throw new Error(`event seq ${event.seq} does not follow head ${expected.seq}`)
    const encoded = encodeForAppend(event)
    if (!encoded.ok) throw new InvalidEventError(`${event.conv}#${event.seq} ${event.type}: ${describeErrors(encoded.errors)}`)
    const original = this.msgIds.get(msgId)
    if (original !== undefined) return { status: 'duplicate', streamSeq: original }
    if (this.headNow(event.conv).streamSeq !== expected.streamSeq) return { status: 'conflict' }
    const p = this.partitionOf(event.conv)
    const stream = this.streams[p]!
    const streamSeq = stream.length + 1
    stream.push({ conv: event.conv, seq: event.seq, streamSeq, body: encoded.body, storedAt: Date.now() })
    const seqs = this.byConv.get(event.conv)
    if (seqs) seqs.push(streamSeq)
    else this.byConv.set(event.conv, [streamSeq])
    this.msgIds.set(msgId, streamSeq)
    this.wake(p)
    this.sendLive(event, encoded.body)
    return { status: 'appended', streamSeq }
  }

  async erase(conv: string, streamSeq: number): Promise<boolean> {
    const stream = this.streams[this.partitionOf(conv)]!
    if (stream[streamSeq - 1]?.conv !== conv) return false
    stream[streamSeq - 1] = undefined
    return true
  }

  async keepErased(conv: string, seq: number, record: string): Promise<void> {
    this.erasedRecords.set(`${conv}#${seq}`, record)
  }

  async erasedRecord(conv: string, seq: number): Promise<string | null> {
    return this.erasedRecords.get(`${conv}#${seq}`) ?? null
  }

  followLive(from: Cursor, deliver: (f: Followed) => void): Promise<Follower> {
    return this.follow(from, deliver)
  }

  subscribeLive(conv: string, deliver: (copy: LiveCopy) => void): LiveSubscription {
    return subscribeIn(this.copies, conv, deliver)
  }

  subscribeJoins(user: string, deliver: (join: JoinNotice) => void): LiveSubscription {
    return subscribeIn(this.joins, user, deliver)
  }

  /** Nothing is lost in memory: no gap ever opens. */
  onLiveGap(): () => void {
    return () => undefined
  }

  async follow(from: Cursor, handle: (f: Followed) => Promise<void> | void, only?: readonly number[]): Promise<Follower> {
    const cursor: Cursor = { ...from }
    let stopped = false
    const loops = this.streams.map(async (stream, p) => {
      while (!stopped && (!only || only.includes(p))) {
        const next = stream.slice(cursor[p] ?? 0).find((e) => e !== undefined)
        if (!next) {
          await new Promise<void>((resolve) => this.waiting[p]!.add(resolve))
          continue
        }
        await handle({ partition: p, streamSeq: next.streamSeq, event: decodeEvent(next.body) })
        cursor[p] = next.streamSeq
      }
    })
    const stop = () => {
      stopped = true
      for (let p = 0; p < this.partitions; p++) this.wake(p)
    }
    const done = Promise.all(loops).then(
      () => undefined,
      (err: unknown) => {
        stop()
        throw err
      },
    )
    return {
      cursor,
      done,
      async stop() {
        stop()
        await Promise.allSettled(loops)
      },
    }
  }

  async *eventsBetween(since: number, until?: number): AsyncGenerator<SeqlineEvent> {
    for (const stream of this.streams) {
      for (const entry of stream) {
        if (!entry || entry.storedAt < since) continue
        const event = decodeEvent(entry.body)
        if (until !== undefined && event.at > until) break
        if (event.at >= since) yield event
      }
    }
  }

  async partitionInfo(partition: number): Promise<PartitionInfo> {
    const stream = this.streams[partition] ?? []
    const present = stream.filter((e) => e !== undefined)
    const bytes = present.reduce((sum, e) => sum + e.body.length, 0)
    return { name: this.streamOfPartition(partition), events: present.length, bytes, lastStreamSeq: stream.length, replicas: 1, directGet: true }
  }

  async end(): Promise<Cursor> {
    return Object.fromEntries(this.streams.map((stream, p) => [p, stream.length]))
  }

  close(): void {
    for (let p = 0; p < this.partitions; p++) this.wake(p)
  }

  private headNow(conv: string): Head {
    const stream = this.streams[this.partitionOf(conv)]!
    const streamSeqs = this.byConv.get(conv) ?? []
    for (let i = streamSeqs.length - 1; i >= 0; i--) {
      const entry = stream[streamSeqs[i]! - 1]
      if (entry) return { seq: entry.seq, streamSeq: entry.streamSeq }
    }
    return { seq: 0, streamSeq: 0 }
  }

  /** The conversation's events still stored, in seq order. */
  private stored(conv: string): StoredEvent[] {
    const stream = this.streams[this.partitionOf(conv)]!
    const out: StoredEvent[] = []
    for (const streamSeq of this.byConv.get(conv) ?? []) {
      const entry = stream[streamSeq - 1]
      if (entry) out.push(toStored(entry))
    }
    return out
  }

  /** As a network would: after the append has returned. */
  private sendLive(event: SeqlineEvent, body: Uint8Array): void {
    const copy = { seq: event.seq, body }
    const join = { conv: event.conv, seq: event.seq }
    queueMicrotask(() => {
      for (const deliver of this.copies.get(event.conv) ?? []) deliver(copy)
      for (const user of membershipChange(event).added) for (const deliver of this.joins.get(user) ?? []) deliver(join)
    })
  }

  private wake(partition: number): void {
    const waiting = this.waiting[partition]!
    for (const resolve of [...waiting]) resolve()
    waiting.clear()
  }
}

function toStored(entry: Entry): StoredEvent {
  return { event: decodeEvent(entry.body), streamSeq: entry.streamSeq }
}

function subscribeIn<T>(subscribers: Map<string, Set<(value: T) => void>>, key: string, deliver: (value: T) => void): LiveSubscription {
  // Its own wrapper, so the same function subscribed twice is two subscriptions.
  const one = (value: T) => deliver(value)
  const set = subscribers.get(key) ?? new Set()
  set.add(one)
  subscribers.set(key, set)
  return {
    ready: Promise.resolve(),
    close: () => {
      set.delete(one)
      if (set.size === 0 && subscribers.get(key) === set) subscribers.delete(key)
    },
  }
}
