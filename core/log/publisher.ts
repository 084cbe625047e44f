import { type ApiError, JetStreamApiError } from '@nats-io/jetstream'
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import { NO_REPLY, Replies } from './replies.js'

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

const decoder = new TextDecoder()

/**
 * Publishes to JetStream and awaits the PubAck through Replies (one reply
 * subscription for all its publishes) rather than nats.js's request path; a
 * turn's publishes leave in one write.
 */
export class AckPublisher {
  private readonly replies: Replies

  constructor(nc: NatsConnection) {
    this.replies = new Replies(nc, {
      timeout: (reason) => new PublishTimeoutError(reason === NO_REPLY ? 'no PubAck in time' : reason),
      closed: (message) => new PublisherClosedError(`publisher ${message}`),
    })
  }

  publish(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, timeoutMs: number): Promise<PubAck> {
    return this.replies.request(subject, data, headers, timeoutMs, readPubAck)
  }

  close(): void {
    this.replies.close()
  }
}

function readPubAck(data: Uint8Array, headers: MsgHdrs | undefined): PubAck {
  // A status-only reply (503) means no stream listens: a replicated stream electing its leader, a server restarting.
  if (data.length === 0 && headers?.code) throw new NoStreamListeningError(`no stream listens on the subject (status ${headers.code})`)
  const r = JSON.parse(decoder.decode(data)) as { error?: ApiError } & PubAck
  // A refusal (e.g. wrong last sequence) is nats.js's own error, with the server's err_code as its code.
  if (r.error) throw new JetStreamApiError(r.error)
  return { stream: r.stream, seq: r.seq, duplicate: r.duplicate === true }
}
