import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const text = (id: string, conv: string, body = id) => ({ type: 'message.send', id, conv, data: { content: { type: 'text', text: body } } })

describe('WebSocket: commands are acked with their seq, idempotently, as the authenticated user', () => {
  let s: ApiStack
  const sockets: TestSocket[] = []
  const t = withLogServer()
  const open = async (user: string) => {
    const socket = await TestSocket.open(wsUrl(s, await s.token(user)))
    sockets.push(socket)
    return socket
  }

  before(async () => {
    s = await startApiStack(t, 'ws_commands')
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s?.stop()
    })
  })

  test('open a direct conversation and send: acks carry the seqs the log holds, written as the socket user', async () => {
    const alice = await open('alice')
    const opened = await alice.command({ type: 'conversation.create-direct', id: 'open', conv: 'd~alice~bob', data: { peer: 'bob' } })
    assert.deepEqual(opened, { type: 'ack', rid: opened.rid, conv: 'd~alice~bob', seq: 1, duplicate: false })
    const first = await alice.command(text('m1', 'd~alice~bob'))
    const second = await alice.command(text('m2', 'd~alice~bob'))
    assert.deepEqual([first.type === 'ack' && first.seq, second.type === 'ack' && second.seq], [2, 3])
    const stored = (await readAll(t.log, 'd~alice~bob')).map((x) => [x.event.seq, x.event.cmd, x.event.actor])
    assert.deepEqual(stored, [
      [1, 'open', 'alice'],
      [2, 'm1', 'alice'],
      [3, 'm2', 'alice'],
    ])
  })

  test('a retried frame (same rid, same command id) is acked duplicate with the original seq and writes nothing', async () => {
    const alice = await open('alice')
    const original = await alice.command(text('retry-me', 'd~alice~bob'), 'rid-1')
    const before = (await t.log.head('d~alice~bob')).seq
    alice.frames.length = 0
    const retried = await alice.command(text('retry-me', 'd~alice~bob', 'changed on retry'), 'rid-1')
    assert.equal(original.type, 'ack')
    assert.deepEqual(retried, { type: 'ack', rid: 'rid-1', conv: 'd~alice~bob', seq: original.type === 'ack' ? original.seq : -1, duplicate: true })
    assert.equal((await t.log.head('d~alice~bob')).seq, before, 'nothing appended')
  })

  test('the other side opening the same direct conversation gets it back, as over REST', async () => {
    const bob = await open('bob')
    const again = await bob.command({ type: 'conversation.create-direct', id: 'bob-open', conv: 'd~alice~bob', data: { peer: 'alice' } })
    assert.equal(again.type, 'ack', JSON.stringify(again))
    assert.equal(again.type === 'ack' && again.duplicate, true)
  })

  test('refusals come back as error frames with the REST codes, and the connection goes on', async () => {
    const bob = await open('bob')
    const group = await bob.command({ type: 'group.create', id: 'g', conv: 'g_team', data: { name: 'team', members: ['carol'] } })
    assert.equal(group.type, 'ack', JSON.stringify(group))
    const dave = await open('dave')
    const notMember = await dave.command(text('intrude', 'g_team'), 'rid-x')
    assert.equal(notMember.type, 'error')
    assert.equal(notMember.type === 'error' && notMember.error.code, 'NOT_MEMBER')
    const kick = await (await open('carol')).command({ type: 'group.kick', id: 'k', conv: 'g_team', data: { user: 'bob' } })
    assert.equal(kick.type === 'error' && kick.error.code, 'FORBIDDEN_ROLE')
    const later = await bob.command(text('still-here', 'g_team'))
    assert.equal(later.type, 'ack', 'the socket that got refusals still works')
  })
})
