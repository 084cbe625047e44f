import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ConversationViews, conversationsProjection } from '../../projections/conversations/index.js'
import type { ProcessorRunner } from '../../projections/runtime/index.js'
import { Lease, openProjector, Supervisor, ViewStore } from '../../projections/runtime/index.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'
import { caughtUp, type LogAndConnection } from '../helpers/projection.js'

const TTL_MS = 600
const NAME = 'leased_views'

async function leased({ nc, log }: LogAndConnection, key: string): Promise<Supervisor<ProcessorRunner>> {
  const make = async () => openProjector(log, await ViewStore.open(nc, NAME), conversationsProjection(log, NAME), { flushIntervalMs: 20 })
  return new Supervisor(NAME, make, { lease: await Lease.open(nc, key, TTL_MS) })
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (condition()) return true
    await sleep(20)
  }
  return condition()
}

describe('one process runs a projection; another takes over when it goes', () => {
  const t = withLogServer()

  test('of two processes only one runs it; stopping that one hands it to the other, which keeps the views current', async () => {
    const [a, b] = [await leased(t, 'p.handover'), await leased(t, 'p.handover')]
    await a.start()
    await b.start()
    assert.deepEqual([a.running, b.running], [true, false])
    await createGroup(t.handler, 'g_lease', 'ann', ['ben'])
    await a.stop()
    assert.ok(await until(() => b.running, TTL_MS * 2), 'the standby took over after the release')
    for (let i = 0; i < 5; i++) await accepted(t.handler, text(`m${i}`, 'g_lease', 'ann'))
    await caughtUp(b.current!)
    const head = await (await ConversationViews.open(t.nc, NAME, NAME)).head('g_lease')
    assert.equal(head?.head, 6)
    await b.stop()
  })

  test('a runner that stopped on an error is replaced by a fresh one while the lease is held', async () => {
    const made: Array<{ error: unknown; stopped: boolean; start(): Promise<void>; stop(): Promise<void> }> = []
    const make = async () => {
      const runner = { error: undefined as unknown, stopped: false, start: async () => undefined, stop: async () => void (runner.stopped = true) }
      made.push(runner)
      return runner
    }
    const leasedRunner = new Supervisor('failing', make, { lease: await Lease.open(t.nc, 'p.failing', TTL_MS) })
    await leasedRunner.start()
    assert.equal(made.length, 1)
    made[0]!.error = new Error('a flush failed while NATS was away')
    assert.ok(await until(() => made.length === 2 && leasedRunner.running, TTL_MS * 2), 'a second runner took over')
    assert.equal(made[0]!.stopped, true, 'the failed one was stopped')
    assert.equal(leasedRunner.current, made[1])
    await leasedRunner.stop()
  })

  test('a holder that stops renewing (a crash) loses the lease when it expires', async () => {
    const crashed = await Lease.open(t.nc, 'p.expiry', TTL_MS)
    assert.equal(await crashed.acquire(), true)
    const standby = await leased(t, 'p.expiry')
    await standby.start()
    assert.equal(standby.running, false, 'not while the lease is live')
    assert.ok(await until(() => standby.running, TTL_MS * 3), 'taken over after expiry')
    assert.equal(await crashed.renew(), false, 'the old holder learns it was overtaken')
    await standby.stop()
  })
})
