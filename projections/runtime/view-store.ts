import { DeliverPolicy, jetstream } from '@nats-io/jetstream'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { listKeys } from '../../core/index.js'
import { isWrongLastSequence } from '../../core/log/index.js'
import type { StoredRecord } from './commit-log.js'
import { KvWriter } from './kv-writer.js'
import { backoff } from './loop.js'
import { untilStalled } from './until-stalled.js'

/**
 * Views in a NATS KV bucket, with a write-back cache. Applying an event
 * changes records in memory (in place: partitions that share a record share
 * one object); a flush takes the changed records as JSON at one instant and
 * writes them after the commit log holds them.
 */
export class ViewStore {
  private readonly loading = new Map<string, Promise<void>>()
  /** Loaded records by key; null when the key is known to be absent. */
  private readonly values = new Map<string, unknown>()
  private readonly dirty = new Set<string>()
  /** Records shared with other writers: the entries changed here, by key (see setEntry). */
  private readonly entries = new Map<string, { field: string; names: Set<string> }>()
  private readonly writer: KvWriter

  private constructor(
    /** The server the bucket lives on: a projection's commit log lives beside it. */
    readonly nc: NatsConnection,
    readonly kv: KV,
    readonly bucket: string,
  ) {
    this.writer = new KvWriter(nc, kv, bucket)
  }

  static async open(nc: NatsConnection, bucket: string, replicas = 1): Promise<ViewStore> {
    const kv = await new Kvm(nc).create(bucket, { history: 1, replicas })
    return new ViewStore(nc, kv, bucket)
  }

  /** The record at key, or undefined; loaded once, then served from memory. */
  async get<T>(key: string): Promise<T | undefined> {
    if (!this.values.has(key)) await this.load(key)
    return (this.values.get(key) ?? undefined) as T | undefined
  }

  private load(key: string): Promise<void> {
    let pending = this.loading.get(key)
    if (!pending) {
      pending = readRecord(this.kv, key).then((v) => {
        if (!this.values.has(key)) this.values.set(key, v ?? null)
        this.loading.delete(key)
      })
      this.loading.set(key, pending)
    }
    return pending
  }

  /**
   * The record at key, created by make() when absent. Check and creation run
   * without a pause, so applies in other partitions that need the same record
   * at the same time all get one object. A shared record (see setEntry) is
   * created in memory only: it is never written whole.
   */
  async getOrCreate<T>(key: string, make: () => T, shared = false): Promise<T> {
    await this.get<T>(key)
    const found = this.values.get(key) as T | null | undefined
    if (found) return found
    const created = make()
    if (shared) this.values.set(key, created)
    else this.set(key, created)
    return created
  }

  /** Marks the record changed (after changing it in place, or to put a new one). */
  set<T>(key: string, value: T): void {
    this.values.set(key, value)
    this.dirty.add(key)
  }

  /**
   * Marks one entry, record[field][name], changed in place, in a record that
   * other writers change too (a user's conversation list, written by every
   * partition that holds one of the user's conversations). The flush writes
   * only the entries changed here, merged into the stored record by
   * compare-and-set on its revision, so no writer undoes another's entries;
   * each entry has one writer (the partition of its conversation).
   */
  setEntry(key: string, field: string, name: string): void {
    const changed = this.entries.get(key) ?? { field, names: new Set<string>() }
    changed.names.add(name)
    this.entries.set(key, changed)
  }

  /** Removes the record: written as a delete, so readers find none (as if it had never been written). */
  remove(key: string): void {
    this.values.set(key, null)
    this.dirty.add(key)
  }

  /** The changed records as JSON, taken now; later changes belong to the next snapshot. */
  snapshot(): StoredRecord[] {
    const out: StoredRecord[] = []
    for (const key of this.dirty) out.push([key, JSON.stringify(this.values.get(key))])
    for (const [key, { field, names }] of this.entries) {
      const all = (this.values.get(key) as Record<string, Record<string, unknown>> | undefined)?.[field] ?? {}
      out.push([key, JSON.stringify({ [field]: Object.fromEntries([...names].map((name) => [name, all[name]])) }), 'merge'])
    }
    this.dirty.clear()
    this.entries.clear()
    return out
  }

  /**
   * Writes records to KV (each key once: a snapshot holds a key once; shared
   * records merged, see setEntry), with
   * `window` writes in flight at every moment: each one done starts the
   * next, so one slow acknowledgement does not idle the other lanes.
   */
  async write(records: StoredRecord[], window = 256): Promise<void> {
    let next = 0
    let failed = false
    const lane = async () => {
      while (!failed && next < records.length) {
        await this.writeOne(records[next++]!).catch((err: unknown) => {
          failed = true
          throw err
        })
      }
    }
    // Every lane settles before the flush fails: a write still in flight after it could land over a newer value of the runner that resumes.
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(window, records.length) }, lane))
    const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected')
    if (failure) throw failure.reason
  }

  private writeOne([key, json, how]: StoredRecord): Promise<unknown> {
    if (how === 'merge') return mergeRecord(this.writer, key, JSON.parse(json))
    return json === REMOVED ? this.writer.delete(key) : this.writer.put(key, json)
  }

  /** Forgets clean records so memory stays bounded. */
  trim(max: number): void {
    if (this.values.size <= max) return
    for (const key of this.values.keys()) {
      if (this.values.size <= max) break
      if (!this.dirty.has(key) && !this.entries.has(key)) this.values.delete(key)
    }
  }

  /** Removes every record, for a rebuild from the log. */
  async clear(): Promise<void> {
    this.values.clear()
    this.dirty.clear()
    this.entries.clear()
    const keys = await listKeys(this.kv)
    for (let i = 0; i < keys.length; i += 256) await Promise.all(keys.slice(i, i + 256).map((k) => this.kv.purge(k)))
  }
}

/** A removed record's JSON in a snapshot: no record is ever null. */
const REMOVED = 'null'

type Fields = Record<string, Record<string, unknown>>

/** Attempts at one merge before the flush fails (and the runner restarts from its last commit). */
const MERGE_ATTEMPTS = 100

/**
 * Read-modify-write of a shared record: the patch's entries replace those in
 * the stored record, written only if nobody wrote it in between (revision
 * compare-and-set); on a conflict it reads again and retries. Idempotent, so
 * a batch written again after a crash changes nothing more.
 */
export async function mergeRecord(writer: KvWriter, key: string, patch: Fields): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const entry = await writer.kv.get(key)
    const record: Fields = entry?.operation === 'PUT' && entry.length > 0 ? entry.json<Fields>() : {}
    for (const [field, changed] of Object.entries(patch)) record[field] = { ...record[field], ...changed }
    try {
      // A deleted key still has a revision (its delete marker): the write expects it; 0 where the key never had one.
      await writer.update(key, JSON.stringify(record), entry?.revision ?? 0)
      return
    } catch (err) {
      if (!isConflict(err) || attempt >= MERGE_ATTEMPTS) throw err
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt, 2, 50)))
    }
  }
}

/** Another writer wrote the key between our read and our write. */
function isConflict(err: unknown): boolean {
  return isWrongLastSequence(err) || isWrongLastSequence((err as { cause?: unknown })?.cause) || /wrong last sequence|key exists/i.test(String(err))
}

export async function readRecord<T>(kv: KV, key: string): Promise<T | undefined> {
  const e = await kv.get(key)
  if (e?.operation !== 'PUT' || e.length === 0) return undefined
  return e.json<T>()
}

/**
 * The latest record of every key under a prefix, in one ordered pass over the
 * bucket's stream (last value per subject), not one round trip per key.
 */
export async function readPrefix<T>(nc: NatsConnection, bucket: string, prefix: string): Promise<Map<string, T>> {
  const out = new Map<string, T>()
  const subjectPrefix = `$KV.${bucket}.`
  const consumer = await jetstream(nc).consumers.get(`KV_${bucket}`, {
    filter_subjects: `${subjectPrefix}${prefix}>`,
    deliver_policy: DeliverPolicy.LastPerSubject,
  })
  try {
    if ((await consumer.info(true)).num_pending === 0) return out
    const messages = await consumer.consume({ max_messages: 1024 })
    await untilStalled(messages, `${bucket}: records under ${prefix || 'every key'}`, (m) => {
      const op = m.headers?.get('KV-Operation')
      if (!op && m.data.length > 0) out.set(m.subject.slice(subjectPrefix.length), m.json<T>())
      return m.info.pending === 0
    })
  } finally {
    await consumer.delete().catch(() => undefined)
  }
  return out
}

/** One page of the records under a prefix, and where the next page starts (a position in the bucket's stream), if any follows. */
export interface PrefixPage<T> {
  records: Array<[string, T]>
  next?: number
}

/**
 * Up to `limit` records under a prefix, from the bucket's stream position
 * `after` on. The bucket keeps one value per key, so each key is met once, at
 * its latest write; a key rewritten while a caller pages moves behind the
 * cursor and may be met again, never missed.
 */
export async function readPrefixPage<T>(nc: NatsConnection, bucket: string, prefix: string, after: number, limit: number): Promise<PrefixPage<T>> {
  const records: Array<[string, T]> = []
  const subjectPrefix = `$KV.${bucket}.`
  const consumer = await jetstream(nc).consumers.get(`KV_${bucket}`, {
    filter_subjects: `${subjectPrefix}${prefix}>`,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: after + 1,
  })
  let next: number | undefined
  try {
    if ((await consumer.info(true)).num_pending === 0) return { records }
    const messages = await consumer.consume({ max_messages: Math.min(limit, 1024) })
    await untilStalled(messages, `${bucket}: a page of records under ${prefix || 'every key'}`, (m) => {
      const op = m.headers?.get('KV-Operation')
      if (!op && m.data.length > 0) records.push([m.subject.slice(subjectPrefix.length), m.json<T>()])
      if (m.info.pending === 0) return true
      if (records.length < limit) return false
      next = m.seq
      return true
    })
  } finally {
    await consumer.delete().catch(() => undefined)
  }
  return next === undefined ? { records } : { records, next }
}
