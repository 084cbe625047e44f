// Webhook delivery rate: the same events followed twice by the deliverer
// runtime from the start of a log — once selecting nothing (the log's ceiling
// for a deliverer: following and checkpointing, no HTTP), once POSTing every
// event in signed batches to a receiver on loopback that verifies each batch.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { NatsConnection } from '@nats-io/transport-node'
import pLimit from 'p-limit'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import { until } from '../../../core/index.js'
import { openJetStreamLog } from '../../../core/log/index.js'
import { Deliverer, ParkedStore } from '../../../integrations/delivery/index.js'
import { verifySignature } from '../../../integrations/outbound/index.js'

export interface WebhookBenchResult {
  events: number
  /** Events per second followed with nothing to deliver: the ceiling. */
  ceilingPerSecond: number
  /** Events per second delivered to the receiver (2xx, checkpointed). */
  deliveredPerSecond: number
  batches: number
  batchEvents: number
}

const SECRET = 'bench-webhook-secret-0123'
const CONVERSATIONS = 200

export async function webhookBench(nc: NatsConnection, events: number, partitions: number, batchEvents: number): Promise<WebhookBenchResult> {
  const log = await openJetStreamLog(nc, { names: { partitions, streamPrefix: 'BENCHWH', subjectPrefix: 'benchwh' } })
  const receiver = await startReceiver()
  const parked = await ParkedStore.open(nc)
  try {
    await write(log, events)
    const follow = async (name: string, deliver: boolean) => {
      const d = await Deliverer.open(nc, log, {
        name: `bench-${name}-${Date.now()}`,
        url: receiver.url,
        secret: SECRET,
        startAt: 'beginning',
        batchEvents,
        parked,
        select: (f) => (deliver ? f.event : undefined),
      })
      const started = performance.now()
      await d.start()
      await until(async () => ((await d.lag()).events === 0 ? true : undefined), {
        timeoutMs: 600_000,
        everyMs: 250,
        timedOut: () => new Error(`${name}: not caught up`),
      })
      const seconds = (performance.now() - started) / 1000
      await d.stop()
      d.close()
      return { seconds, batches: d.stats.batches }
    }
    const ceiling = await follow('ceiling', false)
    const delivered = await follow('delivered', true)
    if (receiver.events() < events) throw new Error(`the receiver got ${receiver.events()} of ${events}`)
    return {
      events,
      ceilingPerSecond: Math.round(events / ceiling.seconds),
      deliveredPerSecond: Math.round(events / delivered.seconds),
      batches: delivered.batches,
      batchEvents,
    }
  } finally {
    parked.close()
    await receiver.close()
    log.close()
  }
}

/** Messages across many conversations, written through the command handler (as the API writes them). */
async function write(log: Awaited<ReturnType<typeof openJetStreamLog>>, events: number): Promise<void> {
  const handler = new CommandHandler(log, createDecider())
  const limit = pLimit(64)
  const convs = Array.from({ length: CONVERSATIONS }, (_, i) => `g_whbench${i}`)
  await Promise.all(convs.map((conv) => limit(() => handler.execute({ type: 'group.create', id: `c-${conv}`, conv, actor: 'amy', data: { name: conv } }))))
  const perConv = Math.ceil((events - CONVERSATIONS) / CONVERSATIONS)
  await Promise.all(
    convs.map(async (conv) => {
      for (let i = 0; i < perConv; i++)
        await limit(() => handler.execute({ type: 'message.send', id: `${conv}-${i}`, conv, actor: 'amy', data: { content: { type: 'text', text: `m${i}` } } }))
    }),
  )
}

async function startReceiver() {
  let events = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      if (!verifySignature(SECRET, req.headers['seqline-signature'] as string | undefined, body).ok) return void res.writeHead(401).end()
      events += (JSON.parse(body) as { events: unknown[] }).events.length
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    events: () => events,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export function printWebhooks(r: WebhookBenchResult): void {
  console.log(`\nWebhook delivery (${r.events} events, batches of up to ${r.batchEvents}, signed, to a verifying receiver on loopback)`)
  console.log(`  log ceiling (deliverer following, nothing to POST)  ${r.ceilingPerSecond.toLocaleString('en')} events/s`)
  console.log(`  delivered to the receiver                          ${r.deliveredPerSecond.toLocaleString('en')} events/s in ${r.batches} batches`)
}
