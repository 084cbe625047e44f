import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { ServerFrame } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

type ErrorFrame = Extract<ServerFrame, { type: 'error' }>

describe('WebSocket: bad frames get error frames naming the problem, write nothing, and only abuse closes', () => {
  let s: ApiStack
  after(() => s?.stop())
  const t = withLogServer()
  let socket: TestSocket

  before(async () => {
    s = await startApiStack(t, 'ws_bad')
    const opened = await t.handler.execute({ type: 'group.create', id: 'g', conv: 'g_team', actor: 'owner', data: { name: 'team', members: ['mallory'] } })
    assert.ok(opened.ok)
    const direct = await t.handler.execute({ type: 'conversation.create-direct', id: 'd', conv: 'd~alice~bob', actor: 'alice', data: { peer: 'bob' } })
    assert.ok(direct.ok)
    socket = await TestSocket.open(wsUrl(s, await s.token('mallory')))
  })

  /** Everything the partition streams hold: unchanged means nothing was written. */
  async function storedMessages(): Promise<number> {
    let total = 0
    for (let p = 0; p < t.log.partitions; p++) total += (await t.log.partitionInfo(p)).events
    return total
  }

  /** Sends one raw frame and returns the error frame it causes. */
  async function refused(raw: unknown): Promise<ErrorFrame> {
    const seen = socket.frames.length
    socket.send(raw)
    const frame = await socket.next((f) => socket.frames.indexOf(f) >= seen && f.type === 'error')
    return frame as ErrorFrame
  }

  test('each kind of bad frame is named, and the connection survives all of them', async () => {
    const before = await storedMessages()
    const garbage = await refused('{not json')
    assert.equal(garbage.error.code, 'MALFORMED_JSON')

    const unknown = await refused({ type: 'subscribe', conv: 'g_team' })
    assert.equal(unknown.error.code, 'VALIDATION_FAILED')
    assert.match(unknown.error.message, /^\/type: unknown frame type "subscribe"/)

    const wrongTypes = await refused({
      type: 'command',
      rid: 'w1',
      command: { type: 'message.send', id: 7, conv: 'g_team', data: { content: { type: 'text', text: 42 } } },
    })
    assert.equal(wrongTypes.rid, 'w1', 'the rid is echoed so the client can fail that request')
    assert.deepEqual(fields(wrongTypes), ['/command/data/content/text', '/command/id'])

    const withActor = await refused({
      type: 'command',
      rid: 'a1',
      command: { type: 'message.send', id: 'spoof', conv: 'g_team', actor: 'owner', data: { content: { type: 'text', text: 'as owner' } } },
    })
    assert.deepEqual(fields(withActor), ['/command/actor'])
    assert.match(withActor.error.message, /unknown field actor/)

    const burn = await refused({ type: 'command', rid: 'b1', command: { type: 'message.burn', id: 'x', conv: 'g_team', data: { target: 1 } } })
    assert.deepEqual(fields(burn), ['/command/type'], 'the system-only burn is not a socket command')

    const badSync = await refused({ type: 'sync', have: { 'not a conv': 1, g_team: -1 } })
    assert.deepEqual(fields(badSync), ['/have/g_team', '/have/not a conv'])

    const notMine = await refused({
      type: 'command',
      rid: 'n1',
      command: { type: 'message.send', id: 'x', conv: 'd~alice~bob', data: { content: { type: 'text', text: 'hi' } } },
    })
    assert.deepEqual([notMine.rid, notMine.error.code], ['n1', 'NOT_MEMBER'])

    // Refused by the command's own checks (depth), after the frame's: still named where the frame holds it.
    let payload: unknown = 'leaf'
    for (let i = 0; i < 40; i++) payload = { x: payload }
    const deep = await refused({
      type: 'command',
      rid: 'p1',
      command: { type: 'message.send', id: 'deep', conv: 'g_team', data: { content: { type: 'custom', kind: 'card', payload } } },
    })
    assert.deepEqual([deep.rid, fields(deep)], ['p1', ['/command/data/content/payload']])

    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    assert.equal((await socket.next((f) => f.type === 'error' && /binary/.test(f.error.message))).type, 'error')

    const pongs = socket.frames.filter((f) => f.type === 'pong').length
    socket.send({ type: 'ping' })
    await socket.next(() => socket.frames.filter((f) => f.type === 'pong').length > pongs)
    assert.equal(socket.ws.readyState, socket.ws.OPEN)
    assert.equal(await storedMessages(), before, 'nothing was written to the log')
  })

  test('a flood of bad frames closes the connection with 1008', async () => {
    const flooder = await TestSocket.open(wsUrl(s, await s.token('mallory')))
    for (let i = 0; i < 25; i++) flooder.send('garbage')
    const closed = await flooder.closed
    assert.equal(closed.code, 1008)
    assert.match(closed.reason, /bad frames/)
    assert.ok(flooder.frames.filter((f) => f.type === 'error').length >= 20, 'each bad frame was answered until the limit')
  })
})

function fields(frame: ErrorFrame): string[] {
  const details = frame.error.details as { errors: { field: string }[] }
  return details.errors.map((e) => e.field).sort()
}
