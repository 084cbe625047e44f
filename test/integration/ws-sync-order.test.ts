import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { accepted, createGroup, range, text, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

/** More than one page of a sync (200), so each replay takes several round trips. */
const HISTORY = 260
const GROUPS = ['g_order_a', 'g_order_b', 'g_order_c']

// A client written from the protocol description, not the project's client: it
// does no buffering of its own, so it sees the frames exactly as the server orders them.
describe('WebSocket: a sync replay and live events reach a raw socket in seq order per conversation', () => {
  let s: ApiStack
  const t = withLogServer()

  before(async () => {
    s = await startApiStack(t, 'ws_sync_order')
    t.defer(() => s.stop())
    await Promise.all(
      GROUPS.map(async (conv) => {
        await createGroup(t.handler, conv, 'alice', ['bob'])
        for (let i = 2; i <= HISTORY; i++) await accepted(t.handler, text(`${conv}-${i}`, conv, 'alice'))
      }),
    )
    await s.settle()
  })

  test("commands sent right after `sync` come out after their conversation's replay, once each", async () => {
    const bob = await TestSocket.open(wsUrl(s, await s.token('bob')))
    t.defer(() => bob.close())
    bob.send({ type: 'sync', have: {} })
    const acks = await Promise.all(
      GROUPS.map((conv) => bob.command({ type: 'message.send', id: `live-${conv}`, conv, data: { content: { type: 'text', text: 'live' } } })),
    )
    assert.deepEqual(
      acks.map((a) => a.type === 'ack' && a.seq),
      GROUPS.map(() => HISTORY + 1),
      JSON.stringify(acks),
    )
    await bob.next((f) => f.type === 'synced', 20_000)
    for (const conv of GROUPS) {
      await bob.next((f) => f.type === 'event' && f.event.conv === conv && f.event.seq === HISTORY + 1, 10_000)
      assert.deepEqual(
        bob.events(conv).map((e) => e.seq),
        range(1, HISTORY + 1),
        `${conv}: frames in the order they arrived`,
      )
    }
  })
})
