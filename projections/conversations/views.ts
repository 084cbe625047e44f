import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor } from '../../core/log/index.js'
import type { ThreadQuery, ThreadSummary } from '../../schemas/index.js'
import { appliedCursor, CommitAsker, committedShares, readPrefix, readRecord } from '../runtime/index.js'
import { type InboxRow, inbox } from './inbox.js'
import { decodeConv, keys } from './keys.js'
import { type ContentReader, logContents } from './last-message.js'
import type { RecordSource } from './message-index.js'
import { type ReactionCount, reactionsIn } from './reaction-reads.js'
import { type MemberRow, memberPage, type PageRequest, type Receipt, receipt } from './receipts.js'
import type { BurnRecord, HeadRecord, MemberRecord, UserRecord } from './records.js'
import { type ReplySeqs, replySeqs, summaryOf, threadsIn } from './thread-views.js'
import type { ThreadRecord } from './threads.js'
import { viewCount } from './view-counts.js'

const EMPTY_THREAD: ThreadRecord = { rootAuthor: '', replies: 0, participants: {}, chunks: [] }

export const CONVERSATIONS_BUCKET = 'seqline_conversations'

/** One conversation as the retention sweep sees it. */
export interface ConversationRetention {
  conv: string
  kind: 'direct' | 'group' | 'channel'
  /** The conversation's own policy; absent: its kind's default applies. */
  days?: number
  /** The first seq the sweep has not passed yet. */
  from: number
  /** Whether a message was ever sent here: without one there is nothing to erase. */
  hasMessages: boolean
}

/** The query side of the conversations projection, reading KV directly (any process, any number of them). */
export class ConversationViews {
  private constructor(
    readonly nc: NatsConnection,
    /** Created once at open: reach() is asked often (every session's sync polls it). */
    private readonly jsm: JetStreamManager,
    readonly kv: KV,
    readonly bucket: string,
    /** The projection that writes the bucket: its commits say how far the views reach. */
    readonly projection: string,
    /** Message text is never in the views: previews come from the log. */
    private readonly contents: ContentReader,
    /** Set when the projection runs in partition shares (a commit per partition): the log's partitions. */
    private readonly partitions?: number,
  ) {}

  /** The reach being read now: callers at the same moment share one read (a sync polls it often). */
  private reading: Promise<Cursor | null> | null = null

  private readonly source: RecordSource = { get: <T>(key: string) => readRecord<T>(this.kv, key) }

  /** Made at the first ask: most processes never wait for the views. */
  private asker: CommitAsker | undefined

  /** `partitions`: the projection runs in partition shares over that many partitions; absent: it runs whole, one commit. */
  static async open(nc: NatsConnection, bucket = CONVERSATIONS_BUCKET, projection = 'conversations', partitions?: number): Promise<ConversationViews> {
    const kv = await new Kvm(nc).create(bucket, { history: 1 })
    const jsm = await jetstreamManager(nc)
    return new ConversationViews(nc, jsm, kv, bucket, projection, logContents(jsm), partitions)
  }

  /** The log position the views reflect (per partition), or null before the projection's first commit. */
  async reach(): Promise<Cursor | null> {
    if (this.partitions === undefined) return appliedCursor(this.jsm, this.projection)
    // A reach read a moment ago is never ahead of the views: a caller that shares it at worst waits one more poll.
    this.reading ??= committedShares(this.jsm, this.projection, this.partitions).finally(() => (this.reading = null))
    return this.reading
  }

  /**
   * Whether the views reach `position` in every partition. When they do not
   * yet, asks the projection to commit soon: the caller waits for them and
   * asks again.
   */
  async reaches(position: Cursor): Promise<boolean> {
    if (covers((await this.reach()) ?? {}, position)) return true
    this.askForCommit()
    return false
  }

  /** Asks the projection's runners, wherever they run, to commit soon: the caller waits for reach() to pass a position. */
  askForCommit(): void {
    this.asker ??= new CommitAsker(this.nc, this.projection)
    this.asker.ask()
  }

  /** The user's conversations as the views hold them, without the rows' reads: member or former member, as of the join or the leave. */
  async memberships(user: string): Promise<Array<{ conv: string; member: boolean; asOf: number }>> {
    const record = await readRecord<UserRecord>(this.kv, keys.user(user))
    return Object.entries(record?.convs ?? {}).map(([conv, c]) => ({ conv, member: c.left === undefined, asOf: c.left ?? c.since }))
  }

  inbox(user: string): Promise<InboxRow[]> {
    return inbox(this.kv, this.contents, user)
  }

  /** The conversations a user belongs to or left (with the leave seq), by conversation id. */
  async conversationsOf(user: string): Promise<UserRecord['convs']> {
    const record = await readRecord<UserRecord>(this.kv, keys.user(user))
    return Object.fromEntries(Object.entries(record?.convs ?? {}).map(([conv, c]) => [decodeConv(conv), c]))
  }

  /** Who has read a message, one page of members at a time (a page of 1,000 unless asked otherwise). */
  receipt(conv: string, seq: number, page: PageRequest = { limit: 1000 }): Promise<Receipt> {
    return receipt(this.nc, this.kv, this.bucket, conv, seq, page)
  }

  /** A page of members, current and former (former ones carry left). */
  members(conv: string, page: PageRequest): Promise<{ rows: MemberRow[]; next?: string }> {
    return memberPage(this.nc, this.bucket, conv, page)
  }

  /** One member's record, current or former. */
  member(conv: string, user: string): Promise<MemberRecord | undefined> {
    return readRecord<MemberRecord>(this.kv, keys.member(conv, user))
  }

  /** The view count of a channel's post: O(log n) in the channel's length, two record reads. */
  views(conv: string, seq: number): Promise<number> {
    return viewCount((key) => readRecord(this.kv, key), conv, seq)
  }

  head(conv: string): Promise<HeadRecord | undefined> {
    return readRecord<HeadRecord>(this.kv, keys.head(conv))
  }

  /** Every conversation with what a retention sweep needs: its kind, its own policy, where the sweep stands. One pass over the bucket. */
  async retention(): Promise<ConversationRetention[]> {
    const heads = await readPrefix<HeadRecord>(this.nc, this.bucket, keys.headPrefix)
    return [...heads].map(([key, h]) => ({
      conv: decodeConv(key.slice(keys.headPrefix.length)),
      kind: h.kind,
      ...(h.retention === undefined ? {} : { days: h.retention }),
      from: h.retainedFrom ?? 1,
      hasMessages: h.last !== undefined,
    }))
  }

  /** The reaction aggregates of the messages in [first, last] that have any, by seq, with the reader's own. */
  reactions(conv: string, reader: string, first: number, last: number): Promise<Map<number, ReactionCount[]>> {
    return reactionsIn(this.kv, conv, reader, first, last)
  }

  /** A thread's summary as `reader` sees it; a message without replies has an empty one. */
  async thread(conv: string, root: number, reader: string): Promise<{ summary: ThreadSummary; record?: ThreadRecord }> {
    const record = await this.source.get<ThreadRecord>(keys.thread(conv, root))
    const summary = await summaryOf(root, record ?? EMPTY_THREAD, reader, this.contents)
    return record ? { summary, record } : { summary }
  }

  /** A page of a thread's reply seqs from a cursor (thread-views.ts), never beyond `head`. */
  replySeqs(conv: string, root: number, record: ThreadRecord, query: ThreadQuery, head: number): Promise<ReplySeqs> {
    return replySeqs(this.source, conv, root, record, query, head)
  }

  /** The summaries of the thread roots among seqs [first, last], as `reader` sees them. */
  async threadsIn(conv: string, first: number, last: number, reader: string): Promise<ThreadSummary[]> {
    const found = await threadsIn(this.source, conv, first, last)
    return Promise.all(found.map(([root, record]) => summaryOf(root, record, reader, this.contents)))
  }

  /** Every conversation with burn-after-read messages not yet burned, by key. */
  burns(): Promise<Map<string, BurnRecord>> {
    return readPrefix<BurnRecord>(this.nc, this.bucket, keys.duePrefix)
  }
}

/** Whether `reach` is at or past `position` in every partition `position` names. */
function covers(reach: Cursor, position: Cursor): boolean {
  return Object.entries(position).every(([p, seq]) => (reach[Number(p)] ?? 0) >= seq)
}
