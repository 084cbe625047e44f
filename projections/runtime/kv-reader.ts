import type { KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { type DirectMsg, directReaderOf } from '../../core/log/index.js'

/** A KV record as nats.js's `kv.get` returns it: the fields its callers read. */
export interface KvRecord {
  /** The stream sequence of the key's last message (a delete marker's too). */
  readonly revision: number
  readonly operation: 'PUT' | 'DEL' | 'PURGE'
  readonly length: number
  json<T>(): T
}

/** nats.js's own key rule (kv.get throws on a key it breaks). */
const VALID_KEY = /^[-/=.\w]+$/

/** What nats.js's KV bucket holds that a direct get needs; not in its types, so each is checked before use. */
interface BucketInternals {
  jsm?: { nc?: NatsConnection; getOptions?(): { timeout?: number } }
  direct?: unknown
  stream?: unknown
  prefix?: unknown
  editPrefix?: unknown
}

/**
 * The key's record, read as nats.js's `kv.get` reads it (a direct get of the
 * key's last message, `last_by_subj`), but through the connection's shared
 * DirectReader: nats.js's request path builds an Error per read even when it
 * succeeds, and view reads are on the send path. A bucket this cannot read so
 * (no direct gets, a mirror) is read by `kv.get` itself.
 */
export async function kvGet(kv: KV, key: string): Promise<KvRecord | null> {
  const b = kv as unknown as BucketInternals
  const nc = b.jsm?.nc
  if (!nc || b.direct !== true || typeof b.stream !== 'string' || typeof b.prefix !== 'string' || b.editPrefix !== '') return kv.get(key)
  if (key.startsWith('.') || key.endsWith('.') || !VALID_KEY.test(key)) throw new Error(`invalid key: ${key}`)
  const subject = `${b.prefix}.${key}`
  const m = await directReaderOf(nc).get(b.stream, { last_by_subj: subject }, b.jsm?.getOptions?.().timeout ?? 5000)
  // As nats.js: a message of another subject (never, for a key without wildcards) is no record.
  return m && m.subject === subject ? new StoredRecord(m) : null
}

class StoredRecord implements KvRecord {
  constructor(private readonly m: DirectMsg) {}

  get revision(): number {
    return this.m.seq
  }

  /** As nats.js: a marker the server wrote when a key's TTL ran out is a purge; otherwise the KV-Operation header, PUT without one. */
  get operation(): 'PUT' | 'DEL' | 'PURGE' {
    if (this.m.header.has('Nats-Marker-Reason') && this.m.header.get('Nats-Marker-Reason') === 'MaxAge') return 'PURGE'
    return (this.m.header.get('KV-Operation') || 'PUT') as 'PUT' | 'DEL' | 'PURGE'
  }

  /** As nats.js: the stored size a headers-only read reports, else the data's. */
  get length(): number {
    const size = this.m.header.get('Nats-Msg-Size') || ''
    return size !== '' ? Number.parseInt(size, 10) : this.m.data.length
  }

  json<T>(): T {
    return this.m.json<T>()
  }
}
