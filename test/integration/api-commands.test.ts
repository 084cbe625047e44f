import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Tokens } from '../../api/auth/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'

const hello = (id: string, text = id) => ({ id, content: { type: 'text', text } })

describe('REST commands end to end against a real nats-server', () => {
  const t = withLogServer()
  let s: ApiStack
  let tok: Record<string, string>
  const as = (user: string) => tok[user] ?? null
  const post = (user: string, path: string, body: unknown) => call(`${s.url}${path}`, 'POST', as(user), body)

  before(async () => {
    s = await startApiStack(t, 'cmd_views', { bodyLimitBytes: 16 * 1024, rateLimitPerMinute: 100_000 })
    t.defer(() => s.stop())
    tok = {}
    for (const u of ['owner', 'admin', 'amy', 'bo', 'cy', 'stranger']) tok[u] = await s.token(u)
  })

  async function group(id: string, members = ['admin', 'amy', 'bo']): Promise<string> {
    const r = await post('owner', '/v1/groups', { id, name: id, members, admins: ['admin'] })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return r.body.conv
  }

  const expectRefused = async (p: Promise<{ status: number; body: any }>, status: number, code: string) => {
    const r = await p
    assert.equal(r.status, status, JSON.stringify(r.body))
    assert.equal(r.body.error.code, code)
    assert.equal(typeof r.body.error.message, 'string')
  }

  test('direct chat: opened once from either side, messages get dense seqs, retries return the original', async () => {
    const first = await post('amy', '/v1/conversations/direct', { id: 'open-1', peer: 'bo' })
    const second = await post('bo', '/v1/conversations/direct', { id: 'open-2', peer: 'amy' })
    assert.equal(first.body.conv, 'd~amy~bo')
    assert.deepEqual([second.status, second.body.conv], [200, 'd~amy~bo'])
    const m1 = await post('amy', '/v1/conversations/d~amy~bo/messages', hello('m1'))
    const m2 = await post('bo', '/v1/conversations/d~amy~bo/messages', hello('m2'))
    const retry = await post('amy', '/v1/conversations/d~amy~bo/messages', hello('m1', 'changed'))
    assert.deepEqual([m1.body.seq, m2.body.seq], [2, 3])
    assert.deepEqual([retry.body.seq, retry.body.duplicate], [2, true])
    await expectRefused(post('stranger', '/v1/conversations/d~amy~bo/messages', hello('x')), 403, 'NOT_MEMBER')
  })

  test('group chat: roles decide who kicks, mutes, changes roles and dissolves', async () => {
    const g = await group('rules')
    await expectRefused(post('amy', `/v1/groups/${g}/members/bo/kick`, { id: 'k1' }), 403, 'FORBIDDEN_ROLE')
    await expectRefused(post('admin', `/v1/groups/${g}/members/owner/kick`, { id: 'k2' }), 403, 'FORBIDDEN_ROLE')
    assert.equal((await post('admin', `/v1/groups/${g}/members/bo/kick`, { id: 'k3' })).status, 200)
    await expectRefused(post('bo', `/v1/conversations/${g}/messages`, hello('after-kick')), 403, 'NOT_MEMBER')
    await expectRefused(call(`${s.url}/v1/groups/${g}/members/amy/role`, 'PUT', as('admin'), { id: 'r1', role: 'admin' }), 403, 'FORBIDDEN_ROLE')
    assert.equal((await call(`${s.url}/v1/groups/${g}/members/amy/role`, 'PUT', as('owner'), { id: 'r2', role: 'admin' })).status, 200)
    await expectRefused(post('admin', `/v1/groups/${g}/dissolve`, { id: 'd1' }), 403, 'FORBIDDEN_ROLE')
    await expectRefused(post('owner', `/v1/groups/${g}/leave`, { id: 'l1' }), 409, 'OWNER_MUST_TRANSFER')
    assert.equal((await post('owner', `/v1/groups/${g}/transfer`, { id: 't1', to: 'admin' })).status, 200)
    assert.equal((await post('admin', `/v1/groups/${g}/dissolve`, { id: 'd2' })).status, 200)
    await expectRefused(post('amy', `/v1/conversations/${g}/messages`, hello('after-dissolve')), 403, 'DISSOLVED')
    await expectRefused(post('admin', `/v1/groups/${g}/invite`, { id: 'i1', users: ['cy'] }), 403, 'DISSOLVED')
  })

  test('mute all: only owner and admins post; unmute opens it again', async () => {
    const g = await group('muteall')
    await expectRefused(post('amy', `/v1/groups/${g}/mute`, { id: 'm0' }), 403, 'FORBIDDEN_ROLE')
    assert.equal((await post('admin', `/v1/groups/${g}/mute`, { id: 'm1' })).status, 200)
    await expectRefused(post('amy', `/v1/conversations/${g}/messages`, hello('muted')), 403, 'GROUP_MUTED')
    assert.equal((await post('admin', `/v1/conversations/${g}/messages`, hello('admin-speaks'))).status, 200)
    assert.equal((await post('owner', `/v1/groups/${g}/unmute`, { id: 'm2' })).status, 200)
    assert.equal((await post('amy', `/v1/conversations/${g}/messages`, hello('free'))).status, 200)
  })

  test('a timed member mute ends by itself at its time', async () => {
    const g = await group('timed')
    await expectRefused(post('admin', `/v1/groups/${g}/members/owner/mute`, { id: 'x', seconds: 60 }), 403, 'FORBIDDEN_ROLE')
    assert.equal((await post('admin', `/v1/groups/${g}/members/amy/mute`, { id: 'mute', seconds: 1 })).status, 200)
    await expectRefused(post('amy', `/v1/conversations/${g}/messages`, hello('too-soon')), 403, 'MUTED')
    await sleep(1100)
    assert.equal((await post('amy', `/v1/conversations/${g}/messages`, hello('later'))).status, 200)
  })

  test('join, invite, leave, edit and recall', async () => {
    const g = await group('life', ['admin', 'amy'])
    await expectRefused(post('cy', `/v1/groups/${g}/join`, { id: 'j1' }), 403, 'JOIN_CLOSED')
    assert.equal((await call(`${s.url}/v1/groups/${g}`, 'PATCH', as('admin'), { id: 'open', joinable: true })).status, 200)
    assert.equal((await post('cy', `/v1/groups/${g}/join`, { id: 'j2' })).status, 200)
    await expectRefused(post('amy', `/v1/groups/${g}/invite`, { id: 'i1', users: ['cy'] }), 409, 'ALREADY_MEMBER')
    const sent = await post('amy', `/v1/conversations/${g}/messages`, hello('typo'))
    await expectRefused(
      post('cy', `/v1/conversations/${g}/messages/${sent.body.seq}/edit`, { id: 'e0', content: { type: 'text', text: 'no' } }),
      403,
      'NOT_AUTHOR',
    )
    assert.equal(
      (await post('amy', `/v1/conversations/${g}/messages/${sent.body.seq}/edit`, { id: 'e1', content: { type: 'text', text: 'fixed' } })).status,
      200,
    )
    assert.equal((await post('amy', `/v1/conversations/${g}/messages/${sent.body.seq}/recall`, { id: 'rc' })).status, 200)
    await expectRefused(
      post('amy', `/v1/conversations/${g}/messages/${sent.body.seq}/edit`, { id: 'e2', content: { type: 'text', text: 'x' } }),
      409,
      'TARGET_GONE',
    )
    await expectRefused(post('amy', `/v1/conversations/${g}/messages/999/recall`, { id: 'rc2' }), 404, 'TARGET_NOT_FOUND')
    assert.equal((await post('cy', `/v1/groups/${g}/leave`, { id: 'bye' })).status, 200)
    await expectRefused(post('cy', `/v1/conversations/${g}/read`, { id: 'rd', upTo: 1 }), 403, 'NOT_MEMBER')
  })

  test('the longest direct conversation ids (131 characters) work over REST', async () => {
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)]
    tok[a] = await s.token(a)
    const opened = await post(a, '/v1/conversations/direct', { id: 'long', peer: b })
    assert.equal(opened.body.conv.length, 131)
    const sent = await post(a, `/v1/conversations/${opened.body.conv}/messages`, hello('long-1'))
    assert.deepEqual([sent.status, sent.body.seq], [200, 2])
  })

  test('a deeply nested custom payload is a 400 naming the rule, not a crash', async () => {
    const g = await group('deep')
    // Built as text: deeper than JSON.stringify itself can go, where the server once crashed.
    const depth = 6000
    const body = `{"id":"deep","content":{"type":"custom","kind":"card","payload":{"x":${'['.repeat(depth)}"leaf"${']'.repeat(depth)}}}}`
    const r = await post('amy', `/v1/conversations/${g}/messages`, body)
    assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 200))
    assert.equal(r.body.error.details.errors[0].field, '/body/content/payload', 'the field of the request as sent, not of the command inside')
  })

  test('bad input gets the right status and code, and nothing is written', async () => {
    const g = await group('bad')
    const before = (await readAll(t.log, g)).length
    const path = `/v1/conversations/${g}/messages`
    const other = new Tokens({ serviceToken: 'y'.repeat(24), jwtSecret: 'another-secret-another-secret-xx' })
    const cases: Array<[Promise<{ status: number; body: any }>, number, string, string?]> = [
      [post('amy', path, '{"id": "j1", "content": '), 400, 'MALFORMED_JSON'],
      [post('amy', path, { id: 'w1', content: { type: 'text', text: 42 } }), 400, 'VALIDATION_FAILED', '/body/content/text'],
      [post('amy', path, { id: 'u1', content: { type: 'text', text: 'x' }, colour: 'red' }), 400, 'VALIDATION_FAILED', '/body/colour'],
      [post('amy', path, { content: { type: 'text', text: 'x' } }), 400, 'VALIDATION_FAILED', '/body/id'],
      [post('amy', path, { id: 'bad id!', content: { type: 'text', text: 'x' } }), 400, 'VALIDATION_FAILED', '/body/id'],
      [post('amy', path, { id: 'big', content: { type: 'text', text: 'x'.repeat(20_000) } }), 413, 'BODY_TOO_LARGE'],
      [post('amy', `/v1/conversations/not-an-id/messages`, hello('p1')), 400, 'VALIDATION_FAILED', '/params/conv'],
      [call(`${s.url}${path}`, 'POST', null, hello('n1')), 401, 'UNAUTHORIZED'],
      [call(`${s.url}${path}`, 'POST', 'not.a.jwt', hello('n2')), 401, 'UNAUTHORIZED'],
      [call(`${s.url}${path}`, 'POST', await s.tokens.mint('amy', -60).then((m) => m.token), hello('n3')), 401, 'UNAUTHORIZED'],
      [call(`${s.url}${path}`, 'POST', await other.mint('amy', 60).then((m) => m.token), hello('n4')), 401, 'UNAUTHORIZED'],
      [call(`${s.url}${path}`, 'POST', s.serviceToken, hello('n5')), 401, 'UNAUTHORIZED'],
      [post('amy', '/v1/no/such/route', {}), 404, 'NOT_FOUND'],
      // Refused by the router before any route runs; these once came back in Fastify's own shape (found by test/fuzz).
      [post('amy', `/v1/conversations/g_%zz/messages`, hello('b1')), 400, 'MALFORMED_URL'],
      [post('amy', `/v1/conversations/g_${'a'.repeat(300)}/messages`, hello('b2')), 414, 'URL_TOO_LONG'],
    ]
    for (const [pending, status, code, field] of cases) {
      const r = await pending
      assert.equal(r.status, status, `${code}: ${JSON.stringify(r.body)}`)
      assert.equal(r.body.error.code, code)
      if (field)
        assert.ok(
          r.body.error.details.errors.some((e: { field: string }) => e.field.startsWith(field)),
          JSON.stringify(r.body),
        )
    }
    assert.equal((await readAll(t.log, g)).length, before, 'nothing was written')
  })

  test('bytes the HTTP parser refuses get the same error shape, then the connection closes', async () => {
    // Node hands these to the server's clientError handler, never to a route; the default answer was Fastify's own shape.
    const { port } = new URL(s.url)
    const raw = (bytes: string) =>
      new Promise<string>((resolve) => {
        const chunks: Buffer[] = []
        const socket = connect({ host: '127.0.0.1', port: Number(port) })
        socket.on('data', (c) => chunks.push(c))
        socket.on('error', () => undefined)
        socket.on('close', () => resolve(Buffer.concat(chunks).toString()))
        socket.write(bytes)
      })
    const cases: Array<[string, number, string]> = [
      ['GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['POST /v1/groups HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['\u0000\u0001 / HTTP/1.1\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ]
    for (const [bytes, status, code] of cases) {
      const answer = await raw(bytes)
      assert.match(answer, new RegExp(`^HTTP/1.1 ${status} `), answer.slice(0, 200))
      assert.match(answer, /\r\ncontent-type: application\/json/i)
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))
      assert.equal(body.error.code, code)
      assert.equal(typeof body.error.message, 'string')
    }
    assert.equal((await call(`${s.url}/healthz`, 'GET', null)).status, 200, 'still serving')
  })
})
