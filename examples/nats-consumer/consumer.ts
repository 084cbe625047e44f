// An example backend that speaks NATS and consumes Seqline's log directly, with
// no HTTP in between: a durable pull consumer on each partition stream. The
// log's layout: P streams SEQLINE_LOG_0 .. SEQLINE_LOG_<P-1>; a conversation is
// the subject seqline.log.<partition>.<conversation id> in one of them; each
// message is one event, its JSON envelope as the REST API and WebSocket show it
// ({id, type, conv, seq, at, actor, v, cmd, data}, and bot: true for a bot's),
// with the conversation's seq also in the header Seqline-Seq.
import { AckPolicy, type ConsumerMessages, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'

/** The part of the envelope this example reads; see schemas/events.ts for every field. */
export interface LogEvent {
  id: string
  type: string
  conv: string
  seq: number
  at: number
  actor: string
  bot?: true
  data: unknown
}

export interface ConsumerOptions {
  /** The durable consumer's name: the server remembers how far it got, across restarts of this process. */
  durable: string
  /** Called once per event, in seq order per conversation; the event is acked when it returns. */
  handle(event: LogEvent): Promise<void> | void
  /** Stream name prefix (SEQLINE_LOG unless Seqline was configured otherwise). */
  streamPrefix?: string
  /** Where a new durable starts: every event (default), or only those stored from now on. */
  from?: 'all' | 'new'
}

export interface RunningConsumer {
  stop(): Promise<void>
}

/** Every partition stream of the log, found by its name prefix. */
async function partitionStreams(nc: NatsConnection, prefix: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc)
  const names: string[] = []
  for await (const name of jsm.streams.names()) if (new RegExp(`^${prefix}_\\d+$`).test(name)) names.push(name)
  return names.sort((a, b) => Number(a.slice(prefix.length + 1)) - Number(b.slice(prefix.length + 1)))
}

/**
 * Consumes the whole log with one durable consumer per partition stream.
 * max_ack_pending 1 keeps a partition strictly in order even when a message
 * is redelivered (a handler that failed or took longer than ack_wait); the
 * event id lets the handler drop an event it has seen (at-least-once).
 */
export async function consumeLog(nc: NatsConnection, opts: ConsumerOptions): Promise<RunningConsumer> {
  const js = jetstream(nc)
  const jsm = await jetstreamManager(nc)
  const subscriptions: ConsumerMessages[] = []
  const loops: Promise<void>[] = []
  for (const stream of await partitionStreams(nc, opts.streamPrefix ?? 'SEQLINE_LOG')) {
    await jsm.consumers.add(stream, {
      durable_name: opts.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: opts.from === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      max_ack_pending: 1,
      ack_wait: 30_000_000_000,
    })
    const messages = await (await js.consumers.get(stream, opts.durable)).consume()
    subscriptions.push(messages)
    loops.push(
      (async () => {
        for await (const m of messages) {
          try {
            await opts.handle(m.json<LogEvent>())
            m.ack()
          } catch {
            // Not acked: the server delivers it again (and nothing after it in this partition meanwhile).
            m.nak(1_000)
          }
        }
      })(),
    )
  }
  return {
    async stop() {
      for (const s of subscriptions) s.stop()
      await Promise.allSettled(loops)
    },
  }
}

/** Run as a program: NATS_URL and DURABLE from the environment; prints one line per event. */
export async function main(): Promise<void> {
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  const consumer = await consumeLog(nc, {
    durable: process.env.DURABLE ?? 'example-backend',
    handle: (e) => console.log(`${e.conv} #${e.seq} ${e.type} by ${e.actor}`),
  })
  const shutdown = async () => {
    await consumer.stop()
    await nc.drain()
  }
  process.once('SIGTERM', () => void shutdown())
  process.once('SIGINT', () => void shutdown())
}
