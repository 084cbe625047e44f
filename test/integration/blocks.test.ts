import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const DIRECT = 'd~alice~bob'
const GROUP = 'g_blocks'
const hi = (text: string) => ({ type: 'text', text })

describe('blocking through REST and WebSocket on a real nats-server', () => {
  const t = withLogServer()
  let s: ApiStack
  const sockets: TestSocket[] = []
  const token: Record<string, string> = {}
  const rest = (user: string, method: string, path: string, body?: unknown) => call(`${s.url}${path}`, method, token[user]!, body)
  const send = (user: string, conv: string, id: string) => rest(user, 'POST', `/v1/conversations/${conv}/messages`, { id, content: hi(id) })

  before(async () => {
    s = await startApiStack(t, 'blocks')
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s?.stop()
    })
    for (const u of ['alice', 'bob', 'carol']) token[u] = await s.token(u)
    assert.equal((await rest('alice', 'POST', '/v1/conversations/direct', { id: 'open', peer: 'bob' })).status, 200)
    assert.equal((await rest('alice', 'POST', '/v1/groups', { id: 'group', conv: GROUP, name: 'g', members: ['bob'] })).status, 200)
  })

  test('a blocked sender is refused over REST and the socket; groups are unaffected; unblocking lets them write again', async () => {
    const before = (await send('bob', DIRECT, 'before')).body.seq
    const blocked = await rest('alice', 'PUT', '/v1/users/me/blocks/bob')
    assert.deepEqual([blocked.status, blocked.body], [200, { user: 'bob', blocked: true, changed: true }])
    assert.deepEqual((await rest('alice', 'PUT', '/v1/users/me/blocks/bob')).body, { user: 'bob', blocked: true, changed: false })
    const head = (await t.log.head(DIRECT)).seq

    const refused = await send('bob', DIRECT, 'while-blocked')
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'BLOCKED'])
    const edit = await rest('bob', 'POST', `/v1/conversations/${DIRECT}/messages/${before}/edit`, { id: 'edit', content: hi('edited') })
    assert.deepEqual([edit.status, edit.body.error.code], [403, 'BLOCKED'])
    const bob = await TestSocket.open(wsUrl(s, token.bob))
    sockets.push(bob)
    const overSocket = await bob.command({ type: 'message.send', id: 'ws-blocked', conv: DIRECT, data: { content: hi('ws') } })
    assert.equal(overSocket.type === 'error' && overSocket.error.code, 'BLOCKED', JSON.stringify(overSocket))
    assert.equal((await t.log.head(DIRECT)).seq, head, 'nothing of the blocked sender was appended')

    // The blocker still writes; the group is not affected either way.
    assert.equal((await send('alice', DIRECT, 'alice-still')).status, 200)
    assert.equal((await send('bob', GROUP, 'in-group')).status, 200)
    const inGroup = await bob.command({ type: 'message.send', id: 'ws-group', conv: GROUP, data: { content: hi('ws group') } })
    assert.equal(inGroup.type, 'ack', JSON.stringify(inGroup))

    const unblocked = await rest('alice', 'DELETE', '/v1/users/me/blocks/bob')
    assert.deepEqual(unblocked.body, { user: 'bob', blocked: false, changed: true })
    assert.equal((await send('bob', DIRECT, 'after')).status, 200)
    const again = await bob.command({ type: 'message.send', id: 'ws-after', conv: DIRECT, data: { content: hi('ws after') } })
    assert.equal(again.type, 'ack', JSON.stringify(again))
  })

  test('a blocked user cannot open the direct conversation; the list is private to the blocker and in no conversation log', async () => {
    assert.equal((await rest('carol', 'PUT', '/v1/users/me/blocks/bob')).status, 200)
    const open = await rest('bob', 'POST', '/v1/conversations/direct', { id: 'open-carol', peer: 'carol' })
    assert.deepEqual([open.status, open.body.error.code], [403, 'BLOCKED'])
    const bob = await TestSocket.open(wsUrl(s, token.bob))
    sockets.push(bob)
    const overSocket = await bob.command({ type: 'conversation.create-direct', id: 'ws-open', conv: 'd~bob~carol', data: { peer: 'carol' } })
    assert.equal(overSocket.type === 'error' && overSocket.error.code, 'BLOCKED')
    assert.equal((await t.log.head('d~bob~carol')).seq, 0)

    assert.deepEqual((await rest('carol', 'GET', '/v1/users/me/blocks')).body, { blocked: ['bob'] })
    assert.deepEqual((await rest('bob', 'GET', '/v1/users/me/blocks')).body, { blocked: [] })
    assert.deepEqual((await rest('alice', 'GET', '/v1/users/me/blocks')).body, { blocked: [] })
    const types = (await readAll(t.log, DIRECT)).map((x) => x.event.type)
    assert.ok(
      types.every((type) => !type.startsWith('user.')),
      types.join(),
    )

    const self = await rest('carol', 'PUT', '/v1/users/me/blocks/carol')
    assert.deepEqual([self.status, self.body.error.code], [400, 'CANNOT_BLOCK_SELF'])
    const bad = await rest('carol', 'PUT', '/v1/users/me/blocks/no.dots')
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'VALIDATION_FAILED'])
  })
})
