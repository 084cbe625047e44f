import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { RunningApi } from '../../api/server.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { barrier, TestSocket, wsUrl } from '../helpers/ws.js'

const conv = 'g_club'
const text = (id: string) => ({ type: 'message.send', id, conv, data: { content: { type: 'text', text: id } } })
const isEvent = (cmd: string) => (f: { type: string; event?: { cmd: string } }) => f.type === 'event' && f.event?.cmd === cmd

describe('WebSocket: only current members get a conversation live, and membership changes take effect at once', () => {
  let s: ApiStack
  const sockets: TestSocket[] = []
  const t = withLogServer()
  let other: RunningApi
  let olga: TestSocket, kim: TestSocket, lee: TestSocket, sam: TestSocket

  async function connect(user: string, api: RunningApi | ApiStack = s): Promise<TestSocket> {
    const opened = await TestSocket.open(wsUrl(api, await s.token(user)))
    sockets.push(opened)
    await opened.sync()
    return opened
  }

  before(async () => {
    s = await startApiStack(t, 'ws_members')
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s?.stop()
    })
    other = await s.another()
    const created = await t.handler.execute({ type: 'group.create', id: 'create', conv, actor: 'olga', data: { name: 'club', members: ['kim', 'lee'] } })
    assert.ok(created.ok)
    await s.settle()
    ;[olga, kim, lee, sam] = await Promise.all([connect('olga'), connect('kim'), connect('lee'), connect('sam')])
  })

  test('a kicked member gets the kick, then nothing more live, and a later sync stops at the kick', async () => {
    await olga.command(text('before-kick'))
    await kim.next(isEvent('before-kick'))
    const kick = await olga.command({ type: 'group.kick', id: 'kick-kim', conv, data: { user: 'kim' } })
    assert.equal(kick.type, 'ack', JSON.stringify(kick))
    const kicked = await kim.next(isEvent('kick-kim'))
    assert.equal(kicked.type === 'event' && kicked.event.type, 'member.kicked')

    await olga.command(text('after-kick'))
    await lee.next(isEvent('after-kick'))
    await barrier(kim)
    assert.equal(kim.frames.some(isEvent('after-kick')), false, 'no live event after the kick')

    const typing = await refusedTyping(kim)
    assert.equal(typing, 'NOT_MEMBER')

    await s.settle()
    const again = await connect('kim')
    const seqs = again.events(conv).map((e) => e.seq)
    const kickSeq = kick.type === 'ack' ? kick.seq : -1
    assert.deepEqual(
      seqs,
      Array.from({ length: kickSeq }, (_, i) => i + 1),
      'sync serves a former member up to the kick, no further',
    )
  })

  test("a stranger's socket gets nothing of the conversation, and its typing goes nowhere", async () => {
    await olga.command(text('private'))
    await lee.next(isEvent('private'))
    sam.send({ type: 'sync', have: { [conv]: 0 } })
    await sam.next((f) => f.type === 'synced' && sam.frames.filter((x) => x.type === 'synced').length === 2)
    assert.deepEqual(sam.events(conv), [], 'neither live nor by sync, even when asked for by name')

    assert.equal(await refusedTyping(sam), 'NOT_MEMBER')
    lee.send({ type: 'typing', conv })
    await olga.next((f) => f.type === 'typing' && f.user === 'lee')
    await barrier(olga)
    await barrier(lee)
    const typers = (x: TestSocket) => x.frames.flatMap((f) => (f.type === 'typing' ? [f.user] : []))
    assert.deepEqual(typers(olga), ['lee'], 'the member typing reached the other member; the stranger reached no one')
    assert.deepEqual(typers(lee), [], 'nobody is told of their own typing')
  })

  test('a user invited while connected (to another API process) starts receiving at once', async () => {
    const nia = await connect('nia', other)
    const invite = await olga.command({ type: 'group.invite', id: 'invite-nia', conv, data: { users: ['nia'] } })
    assert.equal(invite.type, 'ack', JSON.stringify(invite))
    await nia.next(isEvent('invite-nia'))
    await olga.command(text('welcome'))
    const welcome = await nia.next(isEvent('welcome'))
    assert.equal(welcome.type === 'event' && welcome.event.conv, conv)
  })
})

async function refusedTyping(socket: TestSocket): Promise<string | undefined> {
  const seen = socket.frames.length
  socket.send({ type: 'typing', conv })
  const error = await socket.next((f) => f.type === 'error' && socket.frames.indexOf(f) >= seen)
  return error.type === 'error' ? error.error.code : undefined
}
