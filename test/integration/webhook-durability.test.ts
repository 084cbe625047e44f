import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { until } from '../../core/index.js'
import { loadConfig } from '../../ops/config.js'
import { openLog } from '../../ops/open-log.js'
import type { RunningNats } from '../../ops/servers/index.js'
import type { SeqlineProcess } from '../../ops/servers/seqline-process.js'
import { call } from '../helpers/api.js'
import { accepted, createGroup, text } from '../helpers/log.js'
import { TestReceiver } from '../helpers/receiver.js'
import { type SeqlineBeside, startSeqlineBeside } from '../helpers/seqline-child.js'

const GROUPS = 20
const MESSAGES = 10_000
const DOWN_MS = 60_000
const SECRET = 'whsec-durability-0123456789'

interface Delivered {
  id: string
  conv: string
  seq: number
}

describe('a webhook survives a 60 s receiver outage and a SIGKILL of Seqline during delivery', () => {
  let beside: SeqlineBeside
  let nats: RunningNats
  let seqline: SeqlineProcess
  let env: Record<string, string>
  let nc: NatsConnection
  let handler: CommandHandler
  const receiver = new TestReceiver(SECRET)

  before(async () => {
    beside = await startSeqlineBeside('webhook-durability', { SEQLINE_LOG_LEVEL: 'warn' })
    ;({ nats, seqline, env } = beside)
    await receiver.start()
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    handler = new CommandHandler(await openLog(nc, loadConfig(env)), createDecider())
  })

  after(async () => {
    await receiver.stop()
    handler?.log.close()
    await nc?.close()
    await beside?.stop()
  })

  test('every event arrives at least once, in seq order per conversation, every batch signed; duplicates counted', { timeout: 170_000 }, async () => {
    const service = env.SEQLINE_SERVICE_TOKEN!
    const put = await call(`${seqline.url}/v1/admin/webhooks/durable`, 'PUT', service, { url: receiver.url, events: ['*'], secret: SECRET })
    assert.equal(put.status, 201, JSON.stringify(put.body))

    await receiver.stop()
    const downAt = Date.now()
    // Written through the log directly (another writer process, as a platform's scale-out would have): the
    // scenario is about delivery, and 10,000 REST round trips would only slow the test down.
    const convs = Array.from({ length: GROUPS }, (_, g) => `g_durable${g}`)
    await Promise.all(
      convs.map(async (conv) => {
        await createGroup(handler, conv, 'ann', ['ben'])
        for (let i = 0; i < MESSAGES / GROUPS; i++) await accepted(handler, text(`${conv}-${i}`, conv, 'ann'))
      }),
    )
    const writtenMs = Date.now() - downAt
    // The outage is the scenario itself: the receiver stays down a full 60 s, whatever Seqline does meanwhile.
    await sleep(Math.max(0, DOWN_MS - writtenMs))
    await receiver.start()

    // Killed while delivering: once a fifth of the events has been taken.
    await until(() => (receiver.events().length >= MESSAGES / 5 ? true : undefined), {
      timeoutMs: 45_000,
      everyMs: 5,
      timedOut: () => new Error('no delivery within 45 s of the receiver coming back'),
    })
    await seqline.kill()
    const atKill = receiver.events<Delivered>().length
    seqline = await beside.restart()

    const expected = GROUPS * (MESSAGES / GROUPS + 1)
    const unique = () => new Set(receiver.events<Delivered>().map((e) => `${e.conv}/${e.seq}`)).size
    await until(() => (unique() >= expected ? true : undefined), {
      timeoutMs: 60_000,
      everyMs: 100,
      timedOut: () => new Error(`${unique()} of ${expected} events received`),
    })

    const events = receiver.events<Delivered>()
    for (const conv of convs) {
      const seqs = events.filter((e) => e.conv === conv).map((e) => e.seq)
      const firsts = seqs.filter((s, i) => seqs.indexOf(s) === i)
      assert.deepEqual(
        firsts,
        Array.from({ length: MESSAGES / GROUPS + 1 }, (_, i) => i + 1),
        `${conv}: each seq first received in seq order`,
      )
    }
    for (const batch of receiver.got) {
      const seqsByConv = new Map<string, number>()
      for (const e of (JSON.parse(batch.body) as { events: Delivered[] }).events) {
        assert.ok((seqsByConv.get(e.conv) ?? 0) < e.seq, `batch ${batch.delivery}: ${e.conv} in seq order`)
        seqsByConv.set(e.conv, e.seq)
      }
    }
    assert.ok(
      receiver.got.every((g) => g.signed),
      'every batch signed with the secret',
    )
    const idOf = new Map<string, string>()
    for (const e of events) {
      const key = `${e.conv}/${e.seq}`
      assert.equal(idOf.get(key) ?? e.id, e.id, `${key} redelivered with the same event id`)
      idOf.set(key, e.id)
    }
    const duplicates = events.length - expected
    console.log(
      `webhook durability: ${expected} events, ${events.length} received in ${receiver.got.length} batches, ${duplicates} duplicates (${atKill} received before the SIGKILL)`,
    )
  })
})
