import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { WebSocket } from 'ws'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const LISTED = 'http://localhost:5173'
const OTHER_LISTED = 'https://app.example.com'
const UNLISTED = 'https://evil.example.net'

/** The response's CORS headers (access-control-*), by name. */
function corsHeaders(res: Response): Record<string, string> {
  return Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-')))
}

function preflight(url: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  })
}

/** How an upgrade from `origin` (none if undefined) ends: 101 and a working (synced) session, or the HTTP answer given instead. */
async function upgrade(s: ApiStack, origin: string | undefined): Promise<{ status: number; body?: any }> {
  const url = wsUrl(s, await s.token('alice'))
  const options = origin === undefined ? {} : { origin }
  const answer = await new Promise<{ status: number; body?: any }>((resolve) => {
    const ws = new WebSocket(url, options)
    ws.once('unexpected-response', (_req, res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    ws.once('open', () => {
      ws.close()
      resolve({ status: 101 })
    })
  })
  if (answer.status !== 101) return answer
  const socket = await TestSocket.open(url, options)
  await socket.sync()
  await socket.close()
  return answer
}

describe('CORS: listed origins may call the API from a browser; others get no CORS headers', () => {
  const t = withLogServer()
  let s: ApiStack
  let none: ApiStack
  before(async () => {
    s = await startApiStack(t, 'cors_views', undefined, { corsOrigins: [LISTED, OTHER_LISTED] })
    none = await startApiStack(t, 'cors_none_views')
  })
  after(async () => {
    await s?.stop()
    await none?.stop()
  })

  test('an actual cross-origin GET carries access-control-allow-origin for a listed origin, also on an error', async () => {
    const token = await s.token('alice')
    const ok = await fetch(`${s.url}/v1/inbox`, { headers: { origin: LISTED, authorization: `Bearer ${token}` } })
    assert.equal(ok.status, 200)
    assert.equal(ok.headers.get('access-control-allow-origin'), LISTED)
    assert.match(ok.headers.get('access-control-expose-headers') ?? '', /retry-after/)
    const unauthorized = await fetch(`${s.url}/v1/inbox`, { headers: { origin: LISTED } })
    assert.equal(unauthorized.status, 401)
    assert.equal(unauthorized.headers.get('access-control-allow-origin'), LISTED, 'the page can read why it was refused')
    const unlisted = await fetch(`${s.url}/v1/inbox`, { headers: { origin: UNLISTED, authorization: `Bearer ${token}` } })
    assert.deepEqual(corsHeaders(unlisted), {}, 'the browser blocks the answer')
  })

  test("the WebSocket refuses an upgrade from an unlisted origin before opening; a listed origin, the API's own host and no Origin connect", async () => {
    const refused = await upgrade(s, UNLISTED)
    assert.equal(refused.status, 403)
    assert.equal(refused.body.error.code, 'ORIGIN_NOT_ALLOWED')
    assert.match(refused.body.error.message, /evil\.example\.net/)
    assert.equal((await upgrade(s, 'null')).status, 403, 'sandboxed frames and file:// pages send "null"')
    assert.equal((await upgrade(s, LISTED)).status, 101)
    assert.equal((await upgrade(s, new URL(s.url).origin)).status, 101, 'same origin')
    assert.equal((await upgrade(s, undefined)).status, 101, 'native apps and servers send no Origin')
  })

  test('with no list, no origin gets CORS headers and only same-origin or Origin-less sockets open', async () => {
    const res = await preflight(`${none.url}/v1/conversations/direct`, LISTED)
    assert.deepEqual(corsHeaders(res), {})
    const get = await fetch(`${none.url}/v1/inbox`, { headers: { origin: LISTED, authorization: `Bearer ${await none.token('alice')}` } })
    assert.equal(get.status, 200)
    assert.deepEqual(corsHeaders(get), {})
    assert.equal((await upgrade(none, LISTED)).status, 403)
    assert.equal((await upgrade(none, new URL(none.url).origin)).status, 101)
    assert.equal((await upgrade(none, undefined)).status, 101)
  })
})
