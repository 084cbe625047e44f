import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { WebSocket } from 'ws'
import { SeqlineClient, type SeqlineSocket } from '../../client/src/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { range, withLogServer } from '../helpers/log.js'

/** Everything a socket delivers, and a way to wait for a seq or an event. */
function record(live: SeqlineSocket) {
  const events: SeqlineEvent[] = []
  live.on('event', (e) => events.push(e))
  const until = async (done: () => boolean, what: string, timeoutMs = 8000) => {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; delivered ${JSON.stringify(events.map((e) => e.seq))}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }
  return { events, until, seqs: () => events.map((e) => e.seq) }
}

const once = (live: SeqlineSocket, name: 'open' | 'close' | 'synced') =>
  new Promise<void>((resolve) => {
    const off = live.on(name, () => {
      off()
      resolve()
    })
  })

describe('WebSocket client: reconnect fills exactly the gap, once each, in order', () => {
  let s: ApiStack
  const sockets: SeqlineSocket[] = []
  const t = withLogServer()
  let alice: SeqlineClient
  let bob: SeqlineClient
  let conv: string

  before(async () => {
    s = await startApiStack(t, 'ws_reconnect')
    t.defer(async () => {
      for (const live of sockets) live.close()
      await s?.stop()
    })
    alice = new SeqlineClient({ url: s.url, token: await s.token('alice') })
    bob = new SeqlineClient({ url: s.url, token: await s.token('bob') })
    conv = (await alice.openDirect('bob')).conv
    await s.settle()
  })

  const connectBob = (have?: Record<string, number>) => {
    const live = bob.connect({ WebSocket, have, backoff: { initialMs: 600, maxMs: 600 } })
    sockets.push(live)
    return live
  }

  test('the server drops the connection; messages sent meanwhile and during the reconnect arrive once, in order', async () => {
    const live = connectBob()
    const got = record(live)
    await once(live, 'synced')
    for (let i = 1; i <= 3; i++) await alice.text(conv, `before-${i}`)
    await got.until(() => got.seqs().length === 4, 'the first messages live')

    const closed = once(live, 'close')
    for (const client of s.api.app.websocketServer.clients) client.terminate()
    await closed
    for (let i = 1; i <= 4; i++) await alice.text(conv, `missed-${i}`)
    assert.equal(live.connected, false, 'the missed messages were sent while the client was disconnected')
    const reopened = once(live, 'open')
    // Keep writing through the reconnect, so live events overlap the sync.
    const during = (async () => {
      for (let i = 1; i <= 20; i++) await alice.text(conv, `during-${i}`)
    })()
    await reopened
    const afterReconnect = got.seqs().length
    await during
    const head = (await t.log.head(conv)).seq
    await got.until(() => got.seqs().at(-1) === head, `seq ${head}`)

    assert.deepEqual(got.seqs(), range(1, head), 'every seq once, in order')
    assert.deepEqual(got.seqs().slice(afterReconnect), range(afterReconnect + 1, head), 'after the reconnect, exactly what it missed')
    assert.deepEqual(live.positions(), { [conv]: head })
    live.close()
  })

  test('a new client resumes from saved positions and receives only what came after them', async () => {
    const first = connectBob()
    await once(first, 'synced')
    const saved = first.positions()
    first.close()
    const sent = []
    for (let i = 1; i <= 3; i++) sent.push((await alice.text(conv, `offline-${i}`)).seq)

    const second = connectBob(saved)
    const got = record(second)
    await once(second, 'synced')
    assert.deepEqual(got.seqs(), sent)
    assert.deepEqual(
      got.events.map((e) => e.type === 'message.sent' && e.data.content.type === 'text' && e.data.content.text),
      ['offline-1', 'offline-2', 'offline-3'],
    )
    second.close()
  })
})
