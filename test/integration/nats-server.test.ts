import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { freePort } from '../../ops/servers/free-port.js'
import { startNatsServer } from '../../ops/servers/index.js'
import { startTestNats } from '../helpers/nats.js'

test('a JetStream message survives a SIGKILL and restart of the test server', async (t) => {
  const nats = await startTestNats()
  t.after(() => nats.cleanup())
  // Short reconnect waits: the same client must find the restarted server within the test's budget.
  const nc = await connect({ servers: nats.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 })
  t.after(() => nc.close())

  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({ name: 'PROBE', subjects: ['probe.>'] })
  const ack = await jetstream(nc).publish('probe.one', 'hello after crash')

  // Subscribed before the crash, so the event cannot slip past us.
  const reconnected = nextStatus(nc, 'reconnect')
  await nats.kill()
  await nats.restart()
  await reconnected

  const stored = await jsm.streams.getMessage('PROBE', { seq: ack.seq })
  assert.ok(stored, 'message is still in the stream after the crash')
  assert.equal(stored.subject, 'probe.one')
  assert.equal(stored.string(), 'hello after crash')

  await nc.close()
  await nats.cleanup()
  assert.equal(existsSync(nats.dir), false, 'cleanup removes the temp dir')
})

async function nextStatus(nc: NatsConnection, type: string): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === type) return
  }
  throw new Error(`connection closed before '${type}'`)
}

test('the local nats-server runs Go on half the cores (at least one) unless GOMAXPROCS is set', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'seqline-gomaxprocs-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const before = process.env.GOMAXPROCS
  t.after(() => restoreEnv('GOMAXPROCS', before))

  delete process.env.GOMAXPROCS
  const byDefault = await goMaxProcsOfStarted(join(dir, 'default'))
  assert.equal(byDefault.reported, Math.max(1, Math.floor(availableParallelism() / 2)))
  assert.equal(byDefault.named, String(byDefault.reported))

  process.env.GOMAXPROCS = '3'
  const configured = await goMaxProcsOfStarted(join(dir, 'set'))
  assert.deepEqual(configured, { reported: 3, named: '3' })
})

/** The GOMAXPROCS a started server's Go runtime reports on its monitoring port, beside the one Seqline names for it. */
async function goMaxProcsOfStarted(dir: string): Promise<{ reported: number; named: string }> {
  const monitor = await freePort()
  const server = await startNatsServer({ storeDir: join(dir, 'store'), args: ['-m', String(monitor)] })
  try {
    const varz = (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as { gomaxprocs: number }
    return { reported: varz.gomaxprocs, named: server.goMaxProcs }
  } finally {
    // Stopped before the test's own cleanup removes the store under it.
    await server.stop()
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}
