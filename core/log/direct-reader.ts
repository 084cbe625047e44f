// nats.js exports the status-reply error only from its internal entry; a direct get's failure statuses reject with it, as nats.js's own direct get does.
import { JetStreamStatusError } from '@nats-io/jetstream/internal'
import { errors, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node'
import { Replies } from './replies.js'

/** The three direct-get queries the log uses, in nats.js's wire form. */
export type DirectQuery = { seq: number } | { last_by_subj: string } | { seq: number; next_by_subj: string }

/** Rejects every request waiting when the reader closes (nats.js's closed connection rejects its requests likewise). */
class DirectReaderClosedError extends Error {
  override readonly name = 'DirectReaderClosedError'
}

const decoder = new TextDecoder()
const encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)

/** A stored message as a direct get returns it; the fields of nats.js's StoredMsg that the log reads. */
export class DirectMsg {
  constructor(
    readonly data: Uint8Array,
    readonly header: MsgHdrs,
  ) {}

  get subject(): string {
    return this.header.last('Nats-Subject')
  }

  get seq(): number {
    const v = this.header.last('Nats-Sequence')
    return typeof v === 'string' ? Number.parseInt(v, 10) : 0
  }

  get timestamp(): string {
    return this.header.last('Nats-Time-Stamp')
  }

  get stream(): string {
    return this.header.last('Nats-Stream')
  }

  json<T>(): T {
    return JSON.parse(decoder.decode(this.data)) as T
  }

  string(): string {
    return decoder.decode(this.data)
  }
}

/**
 * JetStream direct gets (`$JS.API.DIRECT.GET.<stream>`) answered through
 * Replies, as AckPublisher's publishes are, rather than nats.js's request
 * path (measured a few percent of the process on the send path: block
 * checks, log heads). Requests and replies match nats.js's direct get: a
 * missing message is null, another status rejects with its
 * JetStreamStatusError, a timeout with its TimeoutError, nothing listening
 * with its NoRespondersError.
 */
export class DirectReader {
  private readonly replies: Replies

  constructor(nc: NatsConnection) {
    this.replies = new Replies(nc, {
      timeout: (reason) => new errors.TimeoutError({ cause: new Error(reason) }),
      closed: (message) => new DirectReaderClosedError(`direct reader ${message}`),
    })
  }

  /** The message the query finds, or null when the stream has none (status 404). */
  get(stream: string, query: DirectQuery, timeoutMs: number): Promise<DirectMsg | null> {
    // As nats.js: a last_by_subj query names the subject in the request subject (so permissions apply to it), with no body.
    const last = 'last_by_subj' in query ? query.last_by_subj : undefined
    const subject = last ? `$JS.API.DIRECT.GET.${stream}.${last}` : `$JS.API.DIRECT.GET.${stream}`
    const body = last ? EMPTY : encoder.encode(JSON.stringify(query))
    return this.replies.request(subject, body, undefined, timeoutMs, readDirectReply)
  }

  close(): void {
    this.replies.close()
  }
}

function readDirectReply(data: Uint8Array, headers: MsgHdrs | undefined, subject: string): DirectMsg | null {
  const code = headers?.code ?? 0
  if (headers && code === 0) return new DirectMsg(data, headers)
  if (code === 503 && data.length === 0) throw new errors.NoRespondersError(subject)
  // nats.js's JetStreamStatus: the description lowercased; without one, "no responders" for a 503, else "unknown".
  const description = headers?.description?.toLowerCase() || (code === 503 ? 'no responders' : 'unknown')
  if (code === 404 && description === 'message not found') return null
  throw new JetStreamStatusError(description, code)
}

/** One reader per connection, closed with it: its reply subscription serves every stream read through that connection. */
const readers = new WeakMap<NatsConnection, DirectReader>()

export function directReaderOf(nc: NatsConnection): DirectReader {
  let reader = readers.get(nc)
  if (!reader) {
    const created = new DirectReader(nc)
    void nc.closed().then(() => created.close())
    readers.set(nc, created)
    reader = created
  }
  return reader
}
