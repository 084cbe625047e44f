import { type ApiError, JetStreamApiError } from '@nats-io/jetstream'
import { createInbox, type MsgHdrs, type NatsConnection, type Status, type Subscription } from '@nats-io/transport-node'
import { type TurnSends, turnSendsOf } from './turn-sends.js'

export interface PubAck {
  stream: string
  seq: number
  duplicate: boolean
}

/** No PubAck in time: the message may or may not have been stored. */
export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError'
}

/**
 * Nothing listened on the subject (a 503 status reply): no stream stored the
 * message. A replicated stream answers so while it elects a new leader, a
 * server while it restarts.
 */
export class NoStreamListeningError extends Error {
  override readonly name = 'NoStreamListeningError'
}

class PublisherClosedError extends Error {
  override readonly name = 'PublisherClosedError'
}

interface Waiting {
  resolve(ack: PubAck): void
  reject(err: Error): void
  deadline: number
}

const decoder = new TextDecoder()

/**
 * Publishes to JetStream and awaits the PubAck through one shared reply
 * subscription. nats.js's request path allocates two Error objects (stack
 * captures) per request even when it succeeds; on the append hot path that was
 * a measured tenth of the CPU and much of the GC. Deadlines are checked by one
 * sweeper instead of a timer per message. Publishes wait for the end of the
 * event-loop turn (TurnSends), so a turn's publishes leave in one socket write.
 */
export class AckPublisher {
  private readonly prefix = createInbox()
  private readonly waiting = new Map<string, Waiting>()
  private readonly sub: Subscription
  private readonly sweeper: NodeJS.Timeout
  private next = 0
  private closed = false
  private readonly statuses: AsyncIterable<Status> & { stop?(): void }
  private readonly turn: TurnSends

  constructor(private readonly nc: NatsConnection) {
    this.turn = turnSendsOf(nc)
    this.sub = nc.subscribe(`${this.prefix}.*`, {
      callback: (_err, msg) => this.settle(msg.subject.slice(this.prefix.length + 1), msg.data, msg.headers),
    })
    this.sweeper = setInterval(() => this.expire(), 100)
    this.sweeper.unref()
    // A PubAck meant for a connection that dropped never arrives, nor does one for a publish buffered
    // while reconnecting that the server answered before the reply subscription was back: give those up
    // at once, so they are retried with the same msg id instead of waiting out their timeout.
    const statuses = nc.status()
    this.statuses = statuses
    void (async () => {
      for await (const s of statuses) {
        if (s.type === 'disconnect' || s.type === 'reconnect')
          this.expire(Infinity, `the connection ${s.type === 'disconnect' ? 'dropped' : 'was re-established'} before the PubAck came`)
      }
    })().catch(() => undefined)
  }

  publish(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, timeoutMs: number): Promise<PubAck> {
    if (this.closed) return Promise.reject(new PublisherClosedError('publisher closed'))
    const token = (this.next++).toString(36)
    return new Promise<PubAck>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + timeoutMs })
      this.turn.add(() => this.send(token, subject, data, headers))
    })
  }

  private send(token: string, subject: string, data: Uint8Array, headers: MsgHdrs | undefined): void {
    // Given up meanwhile (timed out, connection dropped, closed): its caller has been answered.
    if (!this.waiting.has(token)) return
    try {
      this.nc.publish(subject, data, { reply: `${this.prefix}.${token}`, headers })
    } catch (err) {
      this.waiting.get(token)?.reject(err as Error)
      this.waiting.delete(token)
    }
  }

  close(): void {
    this.closed = true
    this.statuses.stop?.()
    clearInterval(this.sweeper)
    this.sub.unsubscribe()
    for (const w of this.waiting.values()) w.reject(new PublisherClosedError('publisher closed before the PubAck came'))
    this.waiting.clear()
  }

  private settle(token: string, data: Uint8Array, headers: MsgHdrs | undefined): void {
    const w = this.waiting.get(token)
    if (!w) return
    this.waiting.delete(token)
    // A status-only reply (503) means no stream listens: a replicated stream electing its leader, a server restarting.
    if (data.length === 0 && headers?.code) {
      w.reject(new NoStreamListeningError(`no stream listens on the subject (status ${headers.code})`))
      return
    }
    const r = JSON.parse(decoder.decode(data)) as { error?: ApiError } & PubAck
    // A refusal (e.g. wrong last sequence) is nats.js's own error, with the server's err_code as its code.
    if (r.error) w.reject(new JetStreamApiError(r.error))
    else w.resolve({ stream: r.stream, seq: r.seq, duplicate: r.duplicate === true })
  }

  private expire(now = Date.now(), reason = 'no PubAck in time'): void {
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) continue
      this.waiting.delete(token)
      w.reject(new PublishTimeoutError(reason))
    }
  }
}
