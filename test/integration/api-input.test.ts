// Input at the edge of the REST API that reaches the routes, against a real nats-server: numbers
// in range read as numbers, and the log of every server error. What is refused before any route
// runs is tested without servers in test/unit/api-input.test.ts.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { before, describe, test } from 'node:test'
import { Tokens, UserDirectory } from '../../api/auth/index.js'
import { startApi } from '../../api/index.js'
import { ConversationViews } from '../../projections/conversations/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'

describe('input at the edge of the API, read by the routes', () => {
  const t = withLogServer()
  let s: ApiStack
  let user: string

  const inject = (method: string, url: string, token: string | null) =>
    s.api.app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })

  before(async () => {
    s = await startApiStack(t, 'input_views')
    t.defer(() => s.stop())
    user = await s.token('amy')
  })

  test('in range, numbers written in decimal digits are read as numbers', async () => {
    const r = await inject('GET', '/v1/sync?since=0', user)
    assert.equal(r.statusCode, 200, r.body)
    const big = await inject('GET', `/v1/sync?since=${8_640_000_000_000_000}`, user)
    assert.deepEqual([big.statusCode, big.json().cursor], [200, 8_640_000_000_000_000])
    const over = await inject('GET', `/v1/sync?since=${8_640_000_000_000_001}`, user)
    assert.deepEqual([over.statusCode, over.json().error.details.errors[0].field], [400, '/querystring/since'])
  })
})

describe('server errors are logged, tokens never', () => {
  const t = withLogServer()
  const lines: string[] = []

  test('a 5xx is logged at error with the request id and the error; the Authorization header and ?token= are not', async () => {
    const serviceToken = 'service-token-that-must-not-be-logged-0123'
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    // Seqline verifies with a public key here, so it cannot mint: POST /v1/admin/tokens is a 501.
    const deps = {
      log: t.log,
      nc: t.nc,
      handler: t.handler,
      views: await ConversationViews.open(t.nc, 'logged_views'),
      users: await UserDirectory.open(t.nc, 'logged_users'),
      tokens: new Tokens({ serviceToken, jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
      limits: { bodyLimitBytes: 4096, rateLimitPerMinute: 100 },
      logging: { level: 'info' as const, stream: { write: (line: string) => void lines.push(line) } },
      // Readiness cannot learn the lag here, so /readyz answers 503: a 5xx that is an answer, not an error.
      projectionLag: () => Promise.reject(new Error('no projection in this test')),
    }
    const api = await startApi(deps, '127.0.0.1', 0)
    try {
      const headers = { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/json' }
      await fetch(`${api.url}/v1/admin/users/frank`, { method: 'PUT', headers, body: '{}' })
      const r = await fetch(`${api.url}/v1/admin/tokens?token=query-secret-must-not-be-logged`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ user: 'frank' }),
      })
      assert.equal(r.status, 501)
      const failed = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50)
      assert.equal(failed.length, 1, lines.join(''))
      const [entry] = failed
      assert.equal(typeof entry.reqId, 'string', 'the request id, to find the request')
      assert.equal(entry.code, 'MINTING_UNAVAILABLE')
      assert.equal(entry.path, '/v1/admin/tokens')
      assert.match(entry.err.message, /SEQLINE_JWT_SECRET/)
      assert.match(entry.err.stack, /at /, 'the stack, to find the fault')
      assert.equal((await fetch(`${api.url}/readyz`)).status, 503)
      const answered = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40 && l.path === '/readyz')
      assert.equal(answered.length, 1, lines.join(''))
      assert.deepEqual([typeof answered[0].reqId, answered[0].statusCode], ['string', 503])
      const all = lines.join('')
      assert.ok(!all.includes(serviceToken), 'the service token is never logged')
      assert.ok(!all.includes('query-secret'), 'a token in the query string is never logged')
    } finally {
      await api.close()
    }
  })
})
