// The raw JetStream publish ceilings every benchmark figure is printed beside,
// measured in the same run against the same server: nats.js's pipelined
// js.publish, and the bare publish path append itself uses (PubAck on a shared
// reply subscription, no headers, no checks). Callers that run projections or
// gateways measure them on a log of their own, so the raw messages reach neither.
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type JetStreamLog, subjectOf } from '../../../core/log/index.js'
import { percentiles, pipelined } from './stats.js'

export interface Ceiling {
  perSecond: number
  p50: number
  p99: number
  p999: number
}

export interface Ceilings {
  bare: Ceiling
  client: Ceiling
}

export async function publishCeilings(nc: NatsConnection, log: JetStreamLog, messages: number, window: number): Promise<Ceilings> {
  return { bare: await bareCeiling(log, messages, window), client: await clientCeiling(nc, log, messages, window) }
}

/** The bare ceiling: append's own publish path, without headers or checks. */
export function bareCeiling(log: JetStreamLog, n: number, window: number): Promise<Ceiling> {
  const body = sampleBody()
  return measure(n, window, (i) => log.publishRaw(rawSubject(log, i), body))
}

/** The standard client's ceiling: pipelined js.publish, no headers, no checks. */
export function clientCeiling(nc: NatsConnection, log: JetStreamLog, n: number, window: number): Promise<Ceiling> {
  const body = sampleBody()
  const js = jetstream(nc)
  return measure(n, window, (i) => js.publish(rawSubject(log, i), body))
}

const rawSubject = (log: JetStreamLog, i: number) => subjectOf(log.names, `g_raw${i % 10_000}`)

async function measure(n: number, window: number, publish: (i: number) => Promise<unknown>): Promise<Ceiling> {
  const { seconds, latencies } = await pipelined(n, window, async (i) => void (await publish(i)))
  const p = percentiles(latencies)
  return { perSecond: n / seconds, p50: p.p50, p99: p.p99, p999: p.p999 }
}

/** An event-sized body: a 100-character text message in its envelope. */
function sampleBody(): Uint8Array {
  const event = {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    type: 'message.sent',
    conv: 'g_bench_0',
    seq: 1,
    at: Date.now(),
    actor: 'alice',
    v: 1,
    cmd: 'm0',
    data: { content: { type: 'text', text: 'x'.repeat(100) } },
  }
  return new TextEncoder().encode(JSON.stringify(event))
}
