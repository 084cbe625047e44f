import { DiscardPolicy, type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor } from '../../core/log/index.js'
import { AckPublisher, ensureStream } from '../../core/log/index.js'

/** A batch given up on after its maximum age: kept, listed and replayable, never dropped silently. */
export interface ParkedDelivery {
  /** The Seqline-Delivery id the batch was attempted with. */
  delivery: string
  parkedAt: number
  /** The deliverer's position before the batch: a replay from here delivers the batch again (and what follows). */
  from: Cursor
  /** The position the batch reaches. */
  to: Cursor
  events: number
  attempts: number
  /** The last failure, as postSigned described it. */
  error: string
  /** Event time of the batch's first and last event. */
  firstAt: number
  lastAt: number
}

const STREAM = 'SEQLINE_PARKED'
const TIMEOUT_MS = 10_000
/** Parked batches are kept this long (and at most this many bytes); an operator replays them well before. */
const MAX_AGE_NS = 30 * 24 * 3600 * 1e9
const MAX_BYTES = 1024 * 1024 * 1024

const subjectOf = (deliverer: string) => `seqline.parked.${deliverer}`

/**
 * Parked batches of every deliverer in one JetStream stream, a subject per
 * deliverer: the summary and the exact body that was refused, so nothing a
 * receiver missed is lost even if nobody replays it at once.
 */
export class ParkedStore {
  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly publisher: AckPublisher,
  ) {}

  static async open(nc: NatsConnection, replicas = 1): Promise<ParkedStore> {
    const jsm = await jetstreamManager(nc)
    const config = {
      name: STREAM,
      subjects: ['seqline.parked.>'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: MAX_AGE_NS,
      max_bytes: MAX_BYTES,
      num_replicas: replicas,
      allow_direct: true,
    }
    await ensureStream(jsm, config)
    return new ParkedStore(jsm, new AckPublisher(nc))
  }

  async park(deliverer: string, parked: ParkedDelivery, body: string): Promise<void> {
    await this.publisher.publish(subjectOf(deliverer), new TextEncoder().encode(JSON.stringify({ ...parked, body })), undefined, TIMEOUT_MS)
  }

  /** The parked batches of a deliverer, oldest first (summaries, without their bodies). */
  async list(deliverer: string, limit = 100): Promise<ParkedDelivery[]> {
    const out: ParkedDelivery[] = []
    let seq = 0
    while (out.length < limit) {
      const m = await this.jsm.direct.getMessage(STREAM, { next_by_subj: subjectOf(deliverer), seq: seq + 1 }).catch(() => null)
      if (!m) break
      seq = m.seq
      const { body: _body, ...summary } = m.json<ParkedDelivery & { body: string }>()
      out.push(summary)
    }
    return out
  }

  /** Forgets a deliverer's parked batches (its configuration was deleted). */
  async forget(deliverer: string): Promise<void> {
    await this.jsm.streams.purge(STREAM, { filter: subjectOf(deliverer) }).catch(() => undefined)
  }

  close(): void {
    this.publisher.close()
  }
}
