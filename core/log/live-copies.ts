import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node'
import type { SeqlineEvent } from '../../schemas/index.js'
import { membershipChange } from '../domain/index.js'
import { SEQ_HEADER } from './codec.js'
import type { JoinNotice, LiveCopy, LiveSubscription } from './event-log.js'
import { joinSubjectOf, type LogNames, liveSubjectOf } from './partitions.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Live delivery by interest on core NATS: each stored event is copied to its
 * conversation's live subject, and each user an event adds is sent a notice,
 * so an API process subscribes only to the conversations (and users) of its
 * own sockets and receives nothing of the rest of the log. The partition
 * streams copy their events themselves (republish, set when a stream is
 * made); nats-server 2.9 cannot add a republish to a stream that exists, so
 * over streams made before, the writer sends the copy once its append is
 * stored. The writer always sends the notices (membership events only). Core
 * NATS is at most once, so subscribers take copies in seq order and read what
 * they miss from the log.
 */
export class LiveCopies {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: LogNames,
  ) {}

  /** Sends an event's join notices once the log has stored it, and its copy when asked (a stream that does not republish). */
  stored(event: SeqlineEvent, body: Uint8Array, copy: boolean): void {
    // The append is stored whatever happens here: a copy that cannot be sent is one a subscriber reads from the log.
    if (this.nc.isClosed()) return
    if (copy) this.sendCopy(event, body)
    const { added } = membershipChange(event)
    if (added.length === 0) return
    const notice = encoder.encode(JSON.stringify({ conv: event.conv, seq: event.seq } satisfies JoinNotice))
    for (const user of added) this.nc.publish(joinSubjectOf(this.names, user), notice)
  }

  private sendCopy(event: SeqlineEvent, body: Uint8Array): void {
    const headers = natsHeaders()
    headers.set(SEQ_HEADER, String(event.seq))
    this.nc.publish(liveSubjectOf(this.names, event.conv), body, { headers })
  }

  subscribe(conv: string, deliver: (copy: LiveCopy) => void): LiveSubscription {
    return this.subscription(liveSubjectOf(this.names, conv), (data, seq) => {
      if (seq !== undefined) deliver({ seq, body: data })
    })
  }

  subscribeJoins(user: string, deliver: (join: JoinNotice) => void): LiveSubscription {
    return this.subscription(joinSubjectOf(this.names, user), (data) => {
      const join = parseJoin(data)
      if (join) deliver(join)
    })
  }

  private subscription(subject: string, take: (data: Uint8Array, seq: number | undefined) => void): LiveSubscription {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return
        const seq = Number(msg.headers?.get(SEQ_HEADER))
        take(msg.data, Number.isSafeInteger(seq) && seq > 0 ? seq : undefined)
      },
    })
    return {
      // The server has every subscription sent before a flush's ping once it answers.
      ready: this.nc.flush(),
      close: () => {
        if (!this.nc.isClosed()) sub.unsubscribe()
      },
    }
  }
}

function parseJoin(data: Uint8Array): JoinNotice | null {
  try {
    const join = JSON.parse(decoder.decode(data)) as Partial<JoinNotice>
    return typeof join.conv === 'string' && Number.isSafeInteger(join.seq) ? (join as JoinNotice) : null
  } catch {
    return null
  }
}
