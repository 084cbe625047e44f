import { type JetStreamClient, type JetStreamManager, jetstream } from '@nats-io/jetstream'
import { type KV, Kvm } from '@nats-io/kv'
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/index.js'
import { Appender } from './appender.js'
import { Availability } from './availability.js'
import { decodeEvent } from './codec.js'
import { type DirectReader, directReaderOf } from './direct-reader.js'
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
import { streamEventsBetween } from './events-between.js'
import { LiveCopies } from './live-copies.js'
import { DEFAULT_NAMES, type LogNames, partitionOf, partitionSubjects, streamName, subjectOf } from './partitions.js'
import type { ReadStats } from './read-stats.js'
import { LogReader } from './reader.js'
import { SharedFollowers } from './shared-follow.js'
import { ensureStreams, type StreamSettings } from './streams.js'

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
  /**
   * For API processes that deliver live by interest (LiveCopies), in this
   * deployment or one added to it later: this writer announces the users each
   * event adds, and copies each event it stores to its conversation's live
   * subject where the partition streams do not (streams made before
   * `republish`). Default true, whatever this process delivers by, so each
   * process chooses its delivery alone; false only for tests that stand for
   * lost copies.
   */
  liveCopies?: boolean
  /** Whether partition streams created now republish every stored event to its live subject (default true). */
  republish?: boolean
  /** Events a follower's awaited handler may fall behind the process's shared consumer before it reads on its own (SharedFollowers). */
  followQueueLimit?: number
}

/** Opens the log on JetStream, creating or updating its partition streams (idempotent). */
export async function openJetStreamLog(nc: NatsConnection, opts: LogOptions = {}): Promise<JetStreamLog> {
  const names = { ...DEFAULT_NAMES, ...opts.names }
  const settings = { replicas: opts.replicas ?? 1, duplicateWindowMs: opts.duplicateWindowMs ?? 120_000, republish: opts.republish ?? true }
  const { jsm, republished } = await ensureStreams(nc, names, settings)
  const requestTimeoutMs = opts.requestTimeoutMs ?? 1000
  const erased = await new Kvm(nc).create(erasedBucket(names), { history: 1, replicas: settings.replicas })
  return new JetStreamLog(nc, jsm, erased, names, { ...opts, requestTimeoutMs, republished })
}

/** The KV bucket of erased events' records (their link forms), beside the partition streams. */
const erasedBucket = (names: LogNames) => `${names.streamPrefix}_ERASED`

/** A KV key for a conversation's seq: conversation ids hold '~', which keys may not. */
function erasedKey(conv: string, seq: number): string {
  return `${Buffer.from(conv).toString('base64url')}.${seq}`
}

/**
 * The event log on JetStream: each conversation is a subject in one of P
 * partition streams, its seq carried in a header and kept dense with
 * optimistic concurrency on the subject's last stream sequence. The NATS
 * objects stay inside: callers see the EventLog interface.
 */
export class JetStreamLog implements EventLog {
  readonly names: LogNames
  private readonly availability: Availability
  private readonly appender: Appender
  private readonly reader: LogReader
  /** Long-lived consumers (follow, exports) with the client's default request timeout. */
  private readonly consumers: JetStreamClient
  /** Every follower of this process on one consumer per partition. */
  private readonly followers: SharedFollowers
  /** Direct gets through the connection's shared reply subscription. */
  private readonly direct: DirectReader
  private readonly live: LiveCopies

  /** Use openJetStreamLog: the streams must exist first. */
  constructor(
    nc: NatsConnection,
    /** Stream management (info, erase) with the default request timeout. */
    private readonly jsm: JetStreamManager,
    /** Records of erased events, by conversation and seq. */
    private readonly erased: KV,
    names: LogNames,
    opts: LogOptions & { requestTimeoutMs: number; republished: boolean },
  ) {
    this.names = names
    this.availability = new Availability(nc, opts.failoverWaitMs ?? 10_000)
    this.live = new LiveCopies(nc, names)
    const appendSettings = { publishTimeoutMs: opts.publishTimeoutMs ?? 2000, publishAttempts: opts.publishAttempts ?? 5 }
    // Streams that republish copy every stored event themselves; over older ones the writer sends the copies.
    const copies = !opts.republished
    const stored =
      opts.liveCopies !== false ? (event: SeqlineEvent, body: Uint8Array, certain: boolean) => this.live.stored(event, body, copies && certain) : undefined
    this.appender = new Appender(nc, this.availability, appendSettings, stored)
    this.direct = directReaderOf(nc)
    this.reader = new LogReader(jetstream(nc, { timeout: opts.requestTimeoutMs }), this.direct, names, this.availability, opts.requestTimeoutMs)
    this.consumers = jetstream(nc)
    this.followers = new SharedFollowers(nc, this.consumers, jsm, this.allStreams(), opts.followQueueLimit)
  }

  get partitions(): number {
    return this.names.partitions
  }

  /** What this log's reads have cost so far (direct gets, consumers). */
  get readStats(): ReadStats {
    return this.reader.readStats
  }

  partitionOf(conv: string): number {
    return partitionOf(conv, this.names.partitions)
  }

  streamOf(conv: string): string {
    return streamName(this.names, this.partitionOf(conv))
  }

  streamOfPartition(partition: number): string {
    return streamName(this.names, partition)
  }

  head(conv: string): Promise<Head> {
    return this.reader.head(conv)
  }

  last(conv: string): Promise<StoredEvent | null> {
    return this.reader.last(conv)
  }

  read(conv: string, range: ReadRange): Promise<StoredEvent[]> {
    return this.reader.read(conv, range)
  }

  scan(conv: string, upTo: number): AsyncGenerator<StoredBody[]> {
    return this.reader.scanConversation(conv, upTo)
  }

  readAfter(conv: string, streamSeq: number): Promise<StoredEvent[]> {
    return this.reader.readAfter(conv, streamSeq)
  }

  atStreamSeq(partition: number, streamSeq: number): Promise<StoredEvent | null> {
    return this.reader.atStreamSeq(partition, streamSeq)
  }

  async firstAfter(partition: number, streamSeq: number): Promise<StoredEvent | null> {
    const query = { seq: streamSeq + 1, next_by_subj: partitionSubjects(this.names, partition) }
    // As long as the stream management's requests wait (nats.js's JetStream default: 5 s).
    const m = await this.direct.get(this.streamOfPartition(partition), query, this.jsm.getOptions().timeout ?? 5000)
    return m ? { event: decodeEvent(m.data), streamSeq: m.seq } : null
  }

  append(event: SeqlineEvent, expected: Head, msgId: string): Promise<AppendResult> {
    return this.appender.append(subjectOf(this.names, event.conv), event, expected, msgId)
  }

  /** Raw publish through the same path as append, without checks: the ceiling benchmarks compare with. */
  publishRaw(subject: string, body: Uint8Array, headers?: MsgHdrs): Promise<unknown> {
    return this.appender.publishRaw(subject, body, headers)
  }

  /** Overwritten on disk, not merely unlinked. */
  erase(conv: string, streamSeq: number): Promise<boolean> {
    return this.jsm.streams.deleteMessage(this.streamOf(conv), streamSeq, true)
  }

  async keepErased(conv: string, seq: number, record: string): Promise<void> {
    await this.erased.put(erasedKey(conv, seq), record)
  }

  async erasedRecord(conv: string, seq: number): Promise<string | null> {
    const entry = await this.erased.get(erasedKey(conv, seq))
    return entry && entry.operation === 'PUT' ? entry.string() : null
  }

  follow(from: Cursor, handle: (f: Followed) => Promise<void> | void, only?: readonly number[]): Promise<Follower> {
    return this.followers.follow(from, handle, only)
  }

  followLive(from: Cursor, deliver: (f: Followed) => void): Promise<Follower> {
    return this.followers.followLive(from, deliver)
  }

  subscribeLive(conv: string, deliver: (copy: LiveCopy) => void): LiveSubscription {
    return this.live.subscribe(conv, deliver)
  }

  subscribeJoins(user: string, deliver: (join: JoinNotice) => void): LiveSubscription {
    return this.live.subscribeJoins(user, deliver)
  }

  onLiveGap(then: () => void): () => void {
    return this.availability.onReconnect(then)
  }

  async *eventsBetween(since: number, until?: number): AsyncGenerator<SeqlineEvent> {
    for (const stream of this.allStreams()) yield* streamEventsBetween(this.consumers, this.jsm, stream, since, until)
  }

  async partitionInfo(partition: number): Promise<PartitionInfo> {
    const name = this.streamOfPartition(partition)
    const { config, state } = await this.jsm.streams.info(name)
    return {
      name,
      events: state.messages,
      bytes: state.bytes,
      lastStreamSeq: state.last_seq,
      replicas: config.num_replicas,
      directGet: config.allow_direct === true,
    }
  }

  async end(): Promise<Cursor> {
    const cursor: Cursor = {}
    for (let p = 0; p < this.partitions; p++) cursor[p] = (await this.partitionInfo(p)).lastStreamSeq
    return cursor
  }

  close(): void {
    this.followers.close()
    this.availability.close()
    this.appender.close()
  }

  private allStreams(): string[] {
    return Array.from({ length: this.partitions }, (_, p) => this.streamOfPartition(p))
  }
}
