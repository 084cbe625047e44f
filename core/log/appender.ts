import { setTimeout as sleep } from 'node:timers/promises'
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/index.js'
import { describeErrors } from '../../schemas/index.js'
import { type Availability, pause } from './availability.js'
import { encodeForAppend } from './codec.js'
import { InvalidEventError, LogUnavailableError } from './errors.js'
import type { AppendResult, Head } from './event-log.js'
import { isNotNowRefusal, isWrongLastSequence } from './jetstream-errors.js'
import { AckPublisher, NoStreamListeningError, PublishTimeoutError } from './publisher.js'

export interface AppendSettings {
  /** How long one publish waits for its ack before it is retried with the same Nats-Msg-Id. */
  publishTimeoutMs: number
  /** At most this many attempts of one append may go unanswered (each is safe: the msg id makes retries idempotent). */
  publishAttempts: number
}

/**
 * Appends with optimistic concurrency on the subject's last stream sequence
 * (Nats-Expected-Last-Subject-Sequence) and a stable Nats-Msg-Id, retrying
 * through a failover until the append is confirmed, refused, or the log gives up.
 */
export class Appender {
  private readonly publisher: AckPublisher

  constructor(
    nc: NatsConnection,
    private readonly availability: Availability,
    private readonly settings: AppendSettings,
    /**
     * Told of each append the log answered as stored, with its bytes (live
     * copies); `certain` is false for a duplicate, whose stored bytes may be
     * an earlier call's decision rather than these.
     */
    private readonly onStored: (event: SeqlineEvent, body: Uint8Array, certain: boolean) => void = () => undefined,
  ) {
    this.publisher = new AckPublisher(nc)
  }

  async append(subject: string, event: SeqlineEvent, expected: Head, msgId: string): Promise<AppendResult> {
    if (event.seq !== expected.seq + 1) throw new Error(`event seq ${event.seq} does not follow head ${expected.seq}`)
    // The log is kept forever: an event that breaks its schema never enters it, whatever wrote it.
    const encoded = encodeForAppend(event)
    if (!encoded.ok) throw new InvalidEventError(`${event.conv}#${event.seq} ${event.type}: ${describeErrors(encoded.errors)}`)
    const { body, headers } = encoded
    headers.set('Nats-Msg-Id', msgId)
    headers.set('Nats-Expected-Last-Subject-Sequence', String(expected.streamSeq))
    const deadline = Date.now() + this.availability.failoverWaitMs
    let unanswered = 0
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.publisher.publish(subject, body, headers, this.settings.publishTimeoutMs)
        this.stored(event, body, !ack.duplicate)
        return ack.duplicate ? { status: 'duplicate', streamSeq: ack.seq } : { status: 'appended', streamSeq: ack.seq }
      } catch (err) {
        if (isWrongLastSequence(err)) return { status: 'conflict' }
        // Only a PubAck confirms an append. Every retry carries the same msg id and the same expected
        // last subject sequence, so one that lands after an unanswered attempt did is reported as a
        // duplicate (or a conflict), never stored twice.
        const timedOut = err instanceof PublishTimeoutError
        const notNow = err instanceof NoStreamListeningError || isNotNowRefusal(err)
        if (!(timedOut || notNow) || this.availability.closed) throw err
        if ((timedOut && ++unanswered >= this.settings.publishAttempts) || Date.now() >= deadline) {
          throw new LogUnavailableError(`append to ${event.conv} not confirmed after ${attempt} attempts: ${(err as Error).message}`, { cause: err })
        }
        // An unanswered attempt is retried at once (its wait was the pause); a stream without a leader
        // answers at once, so those are spaced out until one is elected.
        if (notNow) await sleep(pause(attempt))
      }
    }
  }

  /** Tells onStored, never failing the append: it is stored whatever a listener does. */
  private stored(event: SeqlineEvent, body: Uint8Array, certain: boolean): void {
    try {
      this.onStored(event, body, certain)
    } catch {
      // What listens (live copies) is at most once by design: its subscribers read what they miss from the log.
    }
  }

  /** Raw publish through the same path as append, without checks: the ceiling benchmarks compare with. */
  publishRaw(subject: string, body: Uint8Array, headers?: MsgHdrs): Promise<unknown> {
    return this.publisher.publish(subject, body, headers, this.settings.publishTimeoutMs)
  }

  close(): void {
    this.publisher.close()
  }
}
