import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { WebSocket } from 'ws'
import { SeqlineClient, type SeqlineSocket } from '../../client/src/index.js'
import { BurnExecutor } from '../../projections/conversations/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'

/** Resolves with the first delivered event that matches. */
function waitFor(live: SeqlineSocket, match: (e: SeqlineEvent) => boolean, timeoutMs = 8000): Promise<SeqlineEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching event')), timeoutMs)
    const off = live.on('event', (e) => {
      if (!match(e)) return
      clearTimeout(timer)
      off()
      resolve(e)
    })
  })
}

describe('WebSocket client: burn after read, read over the socket, tombstone delivered live', () => {
  let s: ApiStack
  const sockets: SeqlineSocket[] = []
  const t = withLogServer()
  let alice: SeqlineClient
  let bob: SeqlineClient

  before(async () => {
    s = await startApiStack(t, 'ws_burn')
    t.defer(async () => {
      for (const live of sockets) live.close()
      await s?.stop()
    })
    alice = new SeqlineClient({ url: s.url, token: await s.token('alice') })
    bob = new SeqlineClient({ url: s.url, token: () => s.token('bob') })
  })

  const connectBob = () => {
    const live = bob.connect({ WebSocket })
    sockets.push(live)
    return live
  }

  test('the recipient reads, the executor burns when due, the recipient gets message.burned; later syncs show a hole', async () => {
    const { conv } = await alice.openDirect('bob')
    await alice.configureBurn(conv, { enabled: true, seconds: 1 })
    const secret = await alice.text(conv, 'the secret')
    await s.settle()

    const live = connectBob()
    const received = await waitFor(live, (e) => e.seq === secret.seq)
    assert.equal(received.type === 'message.sent' && received.data.burnAfter, 1, 'sent under burn after read')
    const read = await live.sendCommand({ type: 'conversation.read', conv, data: { upTo: secret.seq } })
    assert.equal(read.duplicate, false)
    await s.settle()

    const executor = new BurnExecutor(s.views, t.handler, { clock: () => Date.now() + 5_000 })
    const tombstone = waitFor(live, (e) => e.type === 'message.burned')
    assert.equal(await executor.pass(), 1, 'one burn was due')
    const burned = await tombstone
    assert.deepEqual([burned.type, burned.actor, burned.type === 'message.burned' && burned.data.target], ['message.burned', '@system', secret.seq])

    await s.settle()
    const fresh = connectBob()
    const erased: number[] = []
    const delivered: SeqlineEvent[] = []
    fresh.on('erased', (x) => erased.push(...x.seqs))
    fresh.on('event', (e) => delivered.push(e))
    await new Promise<void>((resolve) => fresh.on('synced', resolve))
    assert.deepEqual(erased, [secret.seq], 'the burned seq is announced as a hole')
    assert.ok(!delivered.some((e) => e.seq === secret.seq), 'the burned message is never delivered again')
    assert.ok(
      delivered.some((e) => e.type === 'message.burned'),
      'its tombstone is',
    )
    assert.equal(fresh.positions()[conv], burned.seq, 'the client moved past the hole')
  })
})
