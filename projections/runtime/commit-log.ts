import { DiscardPolicy, type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/transport-node'
import type { Cursor } from '../../core/log/index.js'
import { AckPublisher } from '../../core/log/index.js'

/**
 * One changed record of a flush: the whole record, or (with 'merge') only the
 * entries this writer changed in a record other writers change too, merged
 * into the stored record by compare-and-set (see ViewStore.setEntry).
 */
export type StoredRecord = [key: string, json: string] | [key: string, json: string, how: 'merge']

/** A flush: every record changed since the last one, and the log position they reflect. */
export interface Batch {
  cursor: Cursor
  records: StoredRecord[]
}

/**
 * A commit as the commit log holds it. `notes`: its writer notes the batch
 * applied once its records are in KV (CommitLog.applied); absent on commits of
 * projectors older than that note, which count as applied themselves.
 */
interface CommitRecord {
  cursor: Cursor
  parts: number[]
  notes?: true
}

const STREAM = 'SEQLINE_VIEW_COMMITS'
const SUBJECTS = 'seqline.view.>'
const PART_BYTES = 512 * 1024
const TIMEOUT_MS = 10_000

/**
 * Makes a flush atomic although it writes many KV records: the batch is
 * written here first (in parts, then a commit naming them), and only then to
 * KV. After a crash the last committed batch is written to KV again, so the
 * views always stand at exactly one log position, never between two.
 */
export class CommitLog {
  /**
   * The stream seq of the newest commit this process read (last()) or wrote:
   * once known, each commit must follow it, so a process that lost its lease
   * to another (which committed since) has its commits refused instead of
   * writing a stale batch over the other's views. Unknown until last().
   */
  private fence: number | undefined

  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly publisher: AckPublisher,
    private readonly projection: string,
  ) {}

  static async open(nc: NatsConnection, projection: string, replicas = 1): Promise<CommitLog> {
    const jsm = await jetstreamManager(nc)
    const config = {
      name: STREAM,
      subjects: [SUBJECTS],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      // Only the newest commit and its parts are ever read back.
      max_msgs_per_subject: 64,
      num_replicas: replicas,
      allow_direct: true,
    }
    await jsm.streams.info(STREAM).catch(() => jsm.streams.add(config))
    return new CommitLog(jsm, new AckPublisher(nc), projection)
  }

  private subject(kind: 'part' | 'commit' | 'applied') {
    return `seqline.view.${this.projection}.${kind}`
  }

  async commit(batch: Batch): Promise<void> {
    const parts: number[] = []
    for (const part of splitRecords(batch.records)) {
      const ack = await this.publisher.publish(this.subject('part'), encode(part), undefined, TIMEOUT_MS)
      parts.push(ack.seq)
    }
    const ack = await this.publisher
      .publish(this.subject('commit'), encode({ cursor: batch.cursor, parts, notes: true } satisfies CommitRecord), this.fenceHeader(), TIMEOUT_MS)
      .catch((err: unknown) => {
        throw new Error(`commit of ${this.projection} refused or unanswered (another process may have committed since this one last did)`, { cause: err })
      })
    if (this.fence !== undefined) this.fence = ack.seq
  }

  /**
   * Notes that a commit's records are all in KV. The views' reach is read from
   * here, not from the commit: a commit is written before its records, so a
   * reader of the commit could find the views behind it (a session seeded in
   * between would miss a membership the commit holds).
   */
  async applied(cursor: Cursor): Promise<void> {
    await this.publisher.publish(this.subject('applied'), encode({ cursor }), undefined, TIMEOUT_MS)
  }

  private fenceHeader() {
    if (this.fence === undefined) return undefined
    const h = headers()
    h.set('Nats-Expected-Last-Subject-Sequence', String(this.fence))
    return h
  }

  /** The last committed batch, or null when this projection never committed (or was reset). */
  async last(): Promise<Batch | null> {
    const commit = await this.jsm.direct.getMessage(STREAM, { last_by_subj: this.subject('commit') })
    this.fence = commit?.seq ?? 0
    if (!commit) return null
    const { cursor, parts } = commit.json<CommitRecord>()
    const records: Batch['records'] = []
    for (const seq of parts) {
      const part = await this.jsm.direct.getMessage(STREAM, { seq })
      if (!part) throw new Error(`commit of ${this.projection} names part ${seq}, which is gone`)
      records.push(...part.json<Batch['records']>())
    }
    return { cursor, records }
  }

  /** The log position of the last commit, without reading its records. */
  lastCursor(): Promise<Cursor | null> {
    return committedCursor(this.jsm, this.projection)
  }

  /** Forgets every batch of this projection (for a rebuild from zero). */
  async reset(): Promise<void> {
    await this.jsm.streams.purge(STREAM, { filter: `seqline.view.${this.projection}.>` })
    if (this.fence !== undefined) this.fence = 0
  }

  close(): void {
    this.publisher.close()
  }
}

function* splitRecords(records: Batch['records']): Generator<Batch['records']> {
  let part: Batch['records'] = []
  let size = 0
  for (const r of records) {
    const bytes = r[0].length + r[1].length + 8
    if (size + bytes > PART_BYTES && part.length > 0) {
      yield part
      part = []
      size = 0
    }
    part.push(r)
    size += bytes
  }
  yield part
}

const encoder = new TextEncoder()
const encode = (v: unknown) => encoder.encode(JSON.stringify(v))

/** A processor's checkpoint: the log position of its last commit, or null before the first. */
export async function committedCursor(jsm: JetStreamManager, projection: string): Promise<Cursor | null> {
  return (await lastOf<CommitRecord>(jsm, `seqline.view.${projection}.commit`))?.cursor ?? null
}

/**
 * How far a projection's views reach: the last commit whose records are all
 * in KV (CommitLog.applied); null while none is. Without a note, a commit
 * whose writer notes its batches is not applied yet (a projection's first
 * batch, its records still being written: counted, a session seeded then
 * missed the conversations in it); a commit of an older projector, which
 * never notes one, counts as applied as it always did.
 */
export async function appliedCursor(jsm: JetStreamManager, projection: string): Promise<Cursor | null> {
  const noted = await lastOf<{ cursor: Cursor }>(jsm, `seqline.view.${projection}.applied`)
  if (noted) return noted.cursor
  const commit = await lastOf<CommitRecord>(jsm, `seqline.view.${projection}.commit`)
  return commit && commit.notes !== true ? commit.cursor : null
}

async function lastOf<T>(jsm: JetStreamManager, subject: string): Promise<T | null> {
  const message = await jsm.direct.getMessage(STREAM, { last_by_subj: subject }).catch(() => null)
  return message ? message.json<T>() : null
}
