import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const hello = (id: string) => ({ id, content: { type: 'text', text: id } })

describe('WebSocket: live delivery to every connection of every member, across API processes', () => {
  let s: ApiStack
  const tok: Record<string, string> = {}
  const sockets: TestSocket[] = []
  const t = withLogServer()
  const conv = 'd~alice~bob'

  before(async () => {
    s = await startApiStack(t, 'ws_delivery')
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s?.stop()
    })
    for (const u of ['alice', 'bob']) tok[u] = await s.token(u)
    const opened = await call(`${s.url}/v1/conversations/direct`, 'POST', tok.alice!, { id: 'open', peer: 'bob' })
    assert.equal(opened.status, 200, JSON.stringify(opened.body))
    await s.settle()
  })

  /** A synced socket: its memberships are loaded, so live events flow from here on. */
  async function connect(url: string): Promise<TestSocket> {
    const socket = await TestSocket.open(url)
    sockets.push(socket)
    await socket.sync()
    return socket
  }

  const sendAs = (user: string, id: string) => call(`${s.url}/v1/conversations/${conv}/messages`, 'POST', tok[user]!, hello(id))

  test('a message reaches the recipient in real time, with its seq', async () => {
    const bob = await connect(wsUrl(s, tok.bob))
    assert.deepEqual(
      bob.events(conv).map((e) => e.type),
      ['conversation.created'],
      'the sync brought the history',
    )
    const sent = await sendAs('alice', 'live-1')
    const got = await bob.next((f) => f.type === 'event' && f.event.cmd === 'live-1')
    assert.equal(got.type === 'event' && got.event.seq, sent.body.seq)
    assert.equal(got.type === 'event' && got.event.type === 'message.sent' && got.event.data.content.type === 'text' && got.event.data.content.text, 'live-1')
  })

  test('two devices of one user both receive, and so does the sender', async () => {
    const [phone, laptop, alice] = await Promise.all([connect(wsUrl(s, tok.bob)), connect(wsUrl(s, tok.bob)), connect(wsUrl(s, tok.alice))])
    const sent = await sendAs('alice', 'two-devices')
    for (const socket of [phone, laptop, alice]) {
      const got = await socket.next((f) => f.type === 'event' && f.event.cmd === 'two-devices')
      assert.equal(got.type === 'event' && got.event.seq, sent.body.seq)
    }
  })

  test('a sender and a recipient on different API processes', async () => {
    const other = await s.another()
    const bobThere = await connect(wsUrl(other, tok.bob))
    const aliceHere = await connect(wsUrl(s, tok.alice))
    const ack = await aliceHere.command({ type: 'message.send', id: 'across', conv, data: { content: { type: 'text', text: 'across' } } })
    assert.equal(ack.type, 'ack', JSON.stringify(ack))
    const got = await bobThere.next((f) => f.type === 'event' && f.event.cmd === 'across')
    assert.equal(got.type === 'event' && ack.type === 'ack' && got.event.seq, ack.type === 'ack' && ack.seq)
    const back = await call(`${other.url}/v1/conversations/${conv}/messages`, 'POST', tok.bob!, hello('back'))
    const reply = await aliceHere.next((f) => f.type === 'event' && f.event.cmd === 'back')
    assert.equal(reply.type === 'event' && reply.event.seq, back.body.seq)
  })
})
