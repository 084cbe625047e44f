import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { Tokens } from '../../api/auth/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

describe('WebSocket: a token is checked when the socket opens, and the socket does not outlive it', () => {
  let s: ApiStack
  after(() => s?.stop())
  const t = withLogServer()

  before(async () => {
    s = await startApiStack(t, 'ws_auth')
  })

  /** Opens a socket and returns how it was closed, with no frame ever answered. */
  async function refusedWith(url: string, headers: Record<string, string> = {}) {
    const socket = await TestSocket.open(url, { headers })
    socket.send({ type: 'ping' })
    const closed = await socket.closed
    assert.deepEqual(socket.frames, [], 'nothing is served before authentication')
    return closed
  }

  test('missing, malformed, wrongly signed and expired tokens are closed with 4401 and a reason', async () => {
    const stranger = new Tokens({ serviceToken: 'x'.repeat(24), jwtSecret: randomBytes(32).toString('base64url') })
    const cases: Array<[string, string, RegExp]> = [
      ['missing', wsUrl(s), /missing token/],
      ['malformed', wsUrl(s, 'not-a-jwt'), /invalid token/],
      ['wrongly signed', wsUrl(s, (await stranger.mint('alice', 3600)).token), /signature/],
      ['expired', wsUrl(s, await s.token('alice', -60)), /exp/],
    ]
    for (const [what, url, reason] of cases) {
      const closed = await refusedWith(url)
      assert.equal(closed.code, 4401, what)
      assert.match(closed.reason, reason, what)
    }
    const badHeader = await refusedWith(wsUrl(s), { authorization: 'Basic abc' })
    assert.equal(badHeader.code, 4401)
  })

  test('a valid token works in the query or in the Authorization header', async () => {
    const token = await s.token('alice')
    for (const socket of [await TestSocket.open(wsUrl(s, token)), await TestSocket.open(wsUrl(s), { headers: { authorization: `Bearer ${token}` } })]) {
      await socket.sync()
      assert.equal(socket.ws.readyState, socket.ws.OPEN)
      await socket.close()
    }
  })

  test('without an upgrade the endpoint answers 401 without a token and 426 with one', async () => {
    const anonymous = await call(`${s.url}/v1/ws`, 'GET', null)
    assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, 'UNAUTHORIZED'])
    const plain = await call(`${s.url}/v1/ws`, 'GET', await s.token('alice'))
    assert.deepEqual([plain.status, plain.body.error.code], [426, 'UPGRADE_REQUIRED'])
  })

  test('the socket is closed with 4401 when its token expires', async () => {
    const socket = await TestSocket.open(wsUrl(s, await s.token('alice', 1)))
    await socket.sync()
    const started = Date.now()
    const closed = await socket.closed
    assert.deepEqual([closed.code, closed.reason], [4401, 'token expired'])
    assert.ok(Date.now() - started < 2500, 'closed at expiry, not later')
  })
})
