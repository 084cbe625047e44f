import { createInbox, type MsgHdrs, type NatsConnection, type Status, type Subscription } from '@nats-io/transport-node'
import { type TurnSends, turnSendsOf } from './turn-sends.js'

/** Turns a reply into the request's answer; throws the request's error for a reply that refuses it. */
export type ReadReply<T> = (data: Uint8Array, headers: MsgHdrs | undefined, subject: string) => T

export interface RepliesOptions {
  /** The error of a request with no reply in time, or given up because the connection dropped or came back. */
  timeout(reason: string): Error
  /** The error of a request made after, or still waiting at, close(). */
  closed(message: string): Error
}

/** The reason a request's deadline passes with no reply (the others: the connection dropped or came back). */
export const NO_REPLY = 'no reply in time'

/** How often waiting requests' deadlines are checked: a request may wait this much past its own. */
const SWEEP_MS = 100

interface Waiting<T> {
  resolve(answer: T): void
  reject(err: Error): void
  read: ReadReply<T>
  deadline: number
  subject: string
}

/**
 * Requests to NATS answered on one shared reply subscription, matched by a
 * token in the reply subject. nats.js's request path sets a timer and builds
 * Error objects (stack captures) per request even when it succeeds: a
 * measured tenth of the CPU on the append path, and a few percent more for
 * direct gets. Deadlines are checked by one sweeper; requests wait for the end
 * of the event-loop turn (TurnSends), so a turn's requests leave in one write.
 * `data` and `headers` are encoded then: a caller must not change them after
 * the call.
 */
export class Replies {
  private readonly prefix = createInbox()
  private readonly waiting = new Map<string, Waiting<unknown>>()
  private readonly sub: Subscription
  /** Runs only while requests wait: an idle process is not woken for nothing. */
  private sweeper: NodeJS.Timeout | undefined
  private readonly statuses: AsyncIterable<Status> & { stop?(): void }
  private readonly turn: TurnSends
  private next = 0
  private closed = false

  constructor(
    private readonly nc: NatsConnection,
    private readonly errors: RepliesOptions,
  ) {
    this.turn = turnSendsOf(nc)
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (_err, msg) => this.settle(msg.subject.slice(this.prefix.length + 1), msg.data, msg.headers),
    })
    // A reply meant for a connection that dropped never arrives, nor one to a request sent while reconnecting
    // that the server answered before the reply subscription was back: give those up at once, so callers
    // retry (an append with its msg id) instead of waiting out the deadline.
    const statuses = nc.status()
    this.statuses = statuses
    void (async () => {
      for await (const s of statuses) {
        if (s.type === 'disconnect' || s.type === 'reconnect')
          this.expire(Infinity, `the connection ${s.type === 'disconnect' ? 'dropped' : 'was re-established'} before the reply came`)
      }
    })().catch(() => undefined)
  }

  /** Sends `data` to `subject` at the end of this turn; the answer is what `read` makes of the reply. */
  request<T>(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, timeoutMs: number, read: ReadReply<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.errors.closed('closed'))
    const token = (this.next++).toString(36)
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, read, deadline: Date.now() + timeoutMs, subject })
      this.sweep()
      this.turn.add(() => this.send(token, subject, data, headers))
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.statuses.stop?.()
    clearInterval(this.sweeper)
    this.sweeper = undefined
    this.sub.unsubscribe()
    for (const w of this.waiting.values()) w.reject(this.errors.closed('closed before the reply came'))
    this.waiting.clear()
  }

  private send(token: string, subject: string, data: Uint8Array, headers: MsgHdrs | undefined): void {
    // Given up meanwhile (timed out, connection dropped, closed): its caller has been answered.
    const w = this.waiting.get(token)
    if (!w) return
    try {
      this.nc.publish(subject, data, { reply: `${this.prefix}.${token}`, headers })
    } catch (err) {
      this.waiting.delete(token)
      w.reject(err as Error)
    }
  }

  private settle(token: string, data: Uint8Array, headers: MsgHdrs | undefined): void {
    const w = this.waiting.get(token)
    if (!w) return
    this.waiting.delete(token)
    let answer: unknown
    try {
      answer = w.read(data, headers, w.subject)
    } catch (err) {
      w.reject(err as Error)
      return
    }
    w.resolve(answer)
  }

  private sweep(): void {
    if (this.sweeper) return
    this.sweeper = setInterval(() => this.expire(), SWEEP_MS)
    this.sweeper.unref()
  }

  private expire(now = Date.now(), reason = NO_REPLY): void {
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) continue
      this.waiting.delete(token)
      w.reject(this.errors.timeout(reason))
    }
    if (this.waiting.size > 0) return
    clearInterval(this.sweeper)
    this.sweeper = undefined
  }
}
