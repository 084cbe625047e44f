import type { KV } from '@nats-io/kv'
import { headers as createHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node'
import { AckPublisher } from '../../core/log/index.js'

/** As long as nats.js's own KV writes wait (its JetStream default is 5 s; a flush retries from its commit after a failure). */
const TIMEOUT_MS = 10_000

const encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)

/** One publisher per connection, closed with it: its reply subscription serves every bucket written through that connection. */
const publishers = new WeakMap<NatsConnection, AckPublisher>()

function publisherOf(nc: NatsConnection): AckPublisher {
  let publisher = publishers.get(nc)
  if (!publisher) {
    const created = new AckPublisher(nc)
    void nc.closed().then(() => created.close())
    publishers.set(nc, created)
    publisher = created
  }
  return publisher
}

/**
 * Writes a KV bucket's records as plain JetStream publishes to `$KV.<bucket>.<key>`,
 * acknowledged through the shared AckPublisher: nats.js's KV put goes through
 * its request path, which allocates an Error (a stack capture) per write even
 * when it succeeds — measured as a few percent of the projector plus its GC.
 * Reads stay with nats.js's KV.
 */
export class KvWriter {
  private readonly subjectPrefix: string
  private readonly publisher: AckPublisher

  constructor(
    nc: NatsConnection,
    readonly kv: KV,
    bucket: string,
  ) {
    this.subjectPrefix = `$KV.${bucket}.`
    this.publisher = publisherOf(nc)
  }

  /** Writes the record; returns its revision. */
  async put(key: string, json: string): Promise<number> {
    return (await this.publish(key, encoder.encode(json), undefined)).seq
  }

  /** Writes the record only if the key's last revision is `revision` (0: the key never had one); a conflict rejects with "wrong last sequence". */
  async update(key: string, json: string, revision: number): Promise<number> {
    const headers = createHeaders()
    headers.set('Nats-Expected-Last-Subject-Sequence', String(revision))
    return (await this.publish(key, encoder.encode(json), headers)).seq
  }

  /** A delete marker, as nats.js writes one: readers find no record. */
  async delete(key: string): Promise<void> {
    const headers = createHeaders()
    headers.set('KV-Operation', 'DEL')
    await this.publish(key, EMPTY, headers)
  }

  private publish(key: string, data: Uint8Array, headers: MsgHdrs | undefined) {
    return this.publisher.publish(this.subjectPrefix + key, data, headers, TIMEOUT_MS)
  }
}
