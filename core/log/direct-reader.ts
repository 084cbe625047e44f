// nats.js exports the status-reply error only from its internal entry; a direct get's failure statuses reject with it, as nats.js's own direct get does.
import { JetStreamStatusError } from '@nats-io/jetstream/internal'
import { createInbox, errors, type MsgHdrs, type NatsConnection, type Status, type Subscription } from '@nats-io/transport-node'
import { type TurnSends, turnSendsOf } from './turn-sends.js'

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

interface Waiting {
  resolve(m: DirectMsg | null): void
  reject(err: Error): void
  deadline: number
  subject: string
}

/**
 * JetStream direct gets (`$JS.API.DIRECT.GET.<stream>`) through one shared
 * reply subscription, as AckPublisher publishes: nats.js's request path sets a
 * timer per request and builds a RequestError (a stack capture) even after
 * the reply came, measured as a few percent of the process on the send path
 * (block checks, log heads, view reads). Deadlines are checked by one sweeper;
 * requests wait for the end of the event-loop turn (TurnSends), as publishes do.
 * Requests and replies match nats.js's direct get: a missing message is null,
 * another status rejects with its JetStreamStatusError, a timeout with its
 * TimeoutError, nothing listening with its NoRespondersError.
 */
export class DirectReader {
  private readonly prefix = createInbox()
  private readonly waiting = new Map<string, Waiting>()
  private readonly sub: Subscription
  private readonly sweeper: NodeJS.Timeout
  private readonly statuses: AsyncIterable<Status> & { stop?(): void }
  private next = 0
  private closed = false
  private readonly turn: TurnSends

  constructor(private readonly nc: NatsConnection) {
    this.turn = turnSendsOf(nc)
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (_err, msg) => this.settle(msg.subject.slice(this.prefix.length + 1), msg.data, msg.headers),
    })
    this.sweeper = setInterval(() => this.expire(), 50)
    this.sweeper.unref()
    // A reply meant for a connection that dropped never arrives, nor (seen in the tests) one to a get asked
    // while disconnected and sent on reconnecting: give those up at once, as timeouts, which callers retry;
    // nats.js's request would wait out its timeout and fail the same way.
    const statuses = nc.status()
    this.statuses = statuses
    void (async () => {
      for await (const s of statuses) if (s.type === 'disconnect' || s.type === 'reconnect') this.expire(Infinity)
    })().catch(() => undefined)
  }

  /** The message the query finds, or null when the stream has none (status 404). */
  get(stream: string, query: DirectQuery, timeoutMs: number): Promise<DirectMsg | null> {
    if (this.closed) return Promise.reject(new DirectReaderClosedError('direct reader closed'))
    // As nats.js: a last_by_subj query names the subject in the request subject (so permissions apply to it), with no body.
    const last = 'last_by_subj' in query ? query.last_by_subj : undefined
    const subject = last ? `$JS.API.DIRECT.GET.${stream}.${last}` : `$JS.API.DIRECT.GET.${stream}`
    const body = last ? EMPTY : encoder.encode(JSON.stringify(query))
    const token = (this.next++).toString(36)
    return new Promise<DirectMsg | null>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + timeoutMs, subject })
      this.turn.add(() => this.send(token, subject, body))
    })
  }

  private send(token: string, subject: string, body: Uint8Array): void {
    // Given up meanwhile (timed out, connection dropped, closed): its caller has been answered.
    const w = this.waiting.get(token)
    if (!w) return
    try {
      this.nc.publish(subject, body, { reply: `${this.prefix}.${token}` })
    } catch (err) {
      this.waiting.delete(token)
      w.reject(err as Error)
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.statuses.stop?.()
    clearInterval(this.sweeper)
    this.sub.unsubscribe()
    for (const w of this.waiting.values()) w.reject(new DirectReaderClosedError('direct reader closed before the reply came'))
    this.waiting.clear()
  }

  private settle(token: string, data: Uint8Array, headers: MsgHdrs | undefined): void {
    const w = this.waiting.get(token)
    if (!w) return
    this.waiting.delete(token)
    const code = headers?.code ?? 0
    if (headers && code === 0) {
      w.resolve(new DirectMsg(data, headers))
      return
    }
    if (code === 503 && data.length === 0) {
      w.reject(new errors.NoRespondersError(w.subject))
      return
    }
    // nats.js's JetStreamStatus: the description lowercased; without one, "no responders" for a 503, else "unknown".
    const description = headers?.description?.toLowerCase() || (code === 503 ? 'no responders' : 'unknown')
    if (code === 404 && description === 'message not found') w.resolve(null)
    else w.reject(new JetStreamStatusError(description, code))
  }

  private expire(now = Date.now()): void {
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) continue
      this.waiting.delete(token)
      w.reject(new errors.TimeoutError())
    }
  }
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
