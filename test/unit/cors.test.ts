import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { parseOrigins } from '../../api/index.js'
import { type RestApp, restApp } from '../helpers/rest-app.js'

const LISTED = 'http://localhost:5173'
const OTHER_LISTED = 'https://app.example.com'
const UNLISTED = 'https://evil.example.net'

/** The response's CORS headers (access-control-*), by name. */
function corsHeaders(res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(
    Object.entries(res.headers)
      .filter(([name]) => name.startsWith('access-control-'))
      .map(([name, value]) => [name, String(value)]),
  )
}

function preflight(app: FastifyInstance, url: string, origin: string, method = 'POST') {
  return app.inject({
    method: 'OPTIONS',
    url,
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  })
}

describe('CORS origins', () => {
  test('are kept as browsers spell the Origin header, so an exact match works', () => {
    assert.deepEqual(parseOrigins('HTTPS://App.Example.com:443, http://localhost:5173,http://[::1]:80'), [
      'https://app.example.com',
      'http://localhost:5173',
      'http://[::1]',
    ])
  })

  test('unset or empty is no list', () => {
    assert.equal(parseOrigins(undefined), undefined)
    assert.equal(parseOrigins(''), undefined)
  })
})

// What the API answers a browser before any route runs; the WebSocket's origin check and
// authenticated reads are in test/integration/cors.test.ts.
describe('CORS: listed origins may call the API from a browser; others get no CORS headers', () => {
  let s: RestApp
  before(async () => {
    s = await restApp({ corsOrigins: [LISTED, OTHER_LISTED] })
  })
  after(() => s.close())

  test('a preflight from a listed origin is answered with its origin, the methods, both headers and a max age, without credentials', async () => {
    for (const origin of [LISTED, OTHER_LISTED]) {
      const res = await preflight(s.app, '/v1/conversations/direct', origin)
      assert.equal(res.statusCode, 204)
      const h = corsHeaders(res)
      assert.equal(h['access-control-allow-origin'], origin)
      assert.deepEqual(h['access-control-allow-methods']?.split(/,\s*/).sort(), ['GET', 'HEAD', 'PATCH', 'POST', 'PUT'])
      assert.deepEqual(h['access-control-allow-headers']?.split(/,\s*/).sort(), ['authorization', 'content-type'])
      assert.equal(h['access-control-max-age'], '600')
      assert.equal(h['access-control-allow-credentials'], undefined, 'bearer tokens, not cookies: credentials stay off')
      assert.match(String(res.headers.vary ?? ''), /origin/i, "caches must not hand one origin another origin's answer")
    }
  })

  test('a preflight from an unlisted origin gets no CORS headers at all', async () => {
    const res = await preflight(s.app, '/v1/conversations/direct', UNLISTED)
    assert.deepEqual(corsHeaders(res), {})
    assert.notEqual(res.statusCode, 204)
  })

  test("with CORS on, an unknown path is still 404 and a wrong method still 405 naming only the path's own methods", async () => {
    const unknown = await s.app.inject({ url: '/v1/no-such-thing', headers: { origin: LISTED } })
    assert.equal(unknown.statusCode, 404)
    const wrong = await s.app.inject({ method: 'DELETE', url: '/healthz', headers: { origin: LISTED } })
    assert.equal(wrong.statusCode, 405)
    assert.equal(wrong.headers.allow, 'GET, HEAD')
  })
})
