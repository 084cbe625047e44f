// Rate and body limits of the REST API, decided before any route reaches the log: no server
// runs, the app answers inject(). Limits that need a route to answer (a user's allowance of
// reads) are tested against a real nats-server in test/integration/api-reads.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type RestApp, restApp, send } from '../helpers/rest-app.js'

const hello = (id: string, text = id) => JSON.stringify({ id, content: { type: 'text', text } })

describe('rate and body limits, before any route runs', () => {
  let s: RestApp
  before(async () => {
    s = await restApp({ limits: { bodyLimitBytes: 2048, rateLimitPerMinute: 5 } })
  })
  after(() => s.close())

  test('413 for a body over the limit', async () => {
    const r = await send(s.app, 'POST', '/v1/conversations/g_any/messages', await s.token('carol'), hello('big', 'x'.repeat(4096)))
    assert.deepEqual([r.statusCode, r.json().error.code], [413, 'BODY_TOO_LARGE'])
  })

  test('probes are never limited; public routes are limited per IP', async () => {
    for (let i = 0; i < 8; i++) assert.equal((await send(s.app, 'GET', '/healthz', null)).statusCode, 200)
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await send(s.app, 'GET', '/openapi.json', null)).statusCode)
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429])
  })
})

describe('failed authentications', () => {
  let s: RestApp
  before(async () => {
    s = await restApp({ limits: { bodyLimitBytes: 2048, rateLimitPerMinute: 5 } })
  })
  after(() => s.close())

  test('are limited per address, before any guess is checked', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await send(s.app, 'GET', '/v1/inbox', null, undefined, { authorization: `Bearer forged.${i}` })).statusCode, 401)
    assert.equal((await send(s.app, 'GET', '/v1/inbox', 'a.wrong.guess')).statusCode, 401)
    const blocked = await send(s.app, 'GET', '/v1/inbox', 'another.wrong.guess')
    assert.deepEqual([blocked.statusCode, blocked.json().error.code], [429, 'RATE_LIMITED'])
    const admin = await send(s.app, 'GET', '/v1/admin/users/dave', 'wrong-service-token-guess-000')
    assert.equal(admin.statusCode, 429, 'guessing the service credential counts too')
    const valid = await send(s.app, 'GET', '/v1/inbox', await s.token('dave'))
    assert.equal(valid.statusCode, 429, 'paused for the minute, valid tokens included: a right guess is not told apart')
    const elsewhere = await send(s.app, 'GET', '/v1/inbox', 'a.third.guess', undefined, {}, '10.9.9.9')
    assert.equal(elsewhere.statusCode, 401, 'another address is not paused')
  })

  test('behind a trusted proxy, each client is limited by its own forwarded address', async () => {
    const proxied = await restApp({ limits: { bodyLimitBytes: 2048, rateLimitPerMinute: 1 }, trustProxy: ['127.0.0.1'] })
    const from = async (client: string) => (await send(proxied.app, 'GET', '/v1/inbox', 'wrong', undefined, { 'x-forwarded-for': client })).statusCode
    try {
      assert.equal(await from('10.0.0.1'), 401)
      assert.equal(await from('10.0.0.1'), 429, 'the same client is paused')
      assert.equal(await from('10.0.0.2'), 401, 'another client behind the same proxy is not')
    } finally {
      await proxied.close()
    }
  })
})
