import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { COMMAND_ROUTES } from '../../api/routes/commands.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'

/** A body each command route accepts from a member, so a refusal can only come from authorisation. */
const BODIES: Record<string, Record<string, unknown>> = {
  'group.invite': { users: ['newcomer'] },
  'group.transfer-ownership': { to: 'member' },
  'group.update-info': { name: 'renamed' },
  'group.change-role': { role: 'admin' },
  'member.mute': { seconds: 60 },
  'message.send': { content: { type: 'text', text: 'hi' } },
  'message.edit': { content: { type: 'text', text: 'edited' } },
  'message.delete-for-me': { targets: [2] },
  'conversation.read': { upTo: 2 },
  'burn.configure': { enabled: true },
  'retention.configure': { days: 30 },
  'notifications.configure': { mode: 'none' },
  'reaction.add': { key: '👍' },
  'reaction.remove': { key: '👍' },
}

describe('authorisation on every endpoint', () => {
  const t = withLogServer()
  let s: ApiStack
  let g: string
  let kickedAt: number
  const tok: Record<string, string> = {}

  before(async () => {
    s = await startApiStack(t, 'authz_views')
    t.defer(() => s.stop())
    for (const u of ['owner', 'member', 'former', 'stranger']) tok[u] = await s.token(u)
    g = (await call(`${s.url}/v1/groups`, 'POST', tok.owner!, { id: 'g', name: 'private', members: ['member', 'former'] })).body.conv
    await call(`${s.url}/v1/conversations/${g}/messages`, 'POST', tok.former!, { id: 'm1', content: { type: 'text', text: 'before' } })
    kickedAt = (await call(`${s.url}/v1/groups/${g}/members/former/kick`, 'POST', tok.owner!, { id: 'kick' })).body.seq
    await call(`${s.url}/v1/conversations/${g}/messages`, 'POST', tok.owner!, { id: 'm2', content: { type: 'text', text: 'secret after the kick' } })
    await s.settle()
  })

  for (const who of ['stranger', 'former']) {
    test(`a ${who} can write nothing: every command endpoint refuses and nothing is written`, async () => {
      const before = (await readAll(t.log, g)).length
      for (const route of COMMAND_ROUTES) {
        const url = `${s.url}${route.url.replace(':conv', g).replace(':seq', '2').replace(':user', 'member')}`
        const r = await call(url, route.method, tok[who]!, { id: `${who}-${route.type}`, ...BODIES[route.type] })
        assert.ok([403, 404].includes(r.status), `${route.method} ${route.url}: ${r.status} ${JSON.stringify(r.body)}`)
        assert.ok(
          ['NOT_MEMBER', 'FORBIDDEN_ROLE', 'TARGET_NOT_MEMBER', 'JOIN_CLOSED', 'BURN_DIRECT_ONLY'].includes(r.body.error.code),
          `${route.url}: ${r.body.error.code}`,
        )
      }
      assert.equal((await readAll(t.log, g)).length, before)
    })
  }

  test('a stranger reads nothing: pull, receipts, export, inbox and sync show nothing of the group', async () => {
    const get = (path: string) => call(`${s.url}${path}`, 'GET', tok.stranger!)
    for (const path of [`/v1/conversations/${g}/events?from=1&limit=50`, `/v1/conversations/${g}/messages/2/receipts`, `/v1/conversations/${g}/export`]) {
      const r = await get(path)
      assert.equal(r.status, 403, `${path}: ${JSON.stringify(r.body)}`)
      assert.equal(r.body.error.code, 'NOT_MEMBER')
    }
    assert.deepEqual(
      (await get('/v1/inbox')).body.filter((row: { conv: string }) => row.conv === g),
      [],
    )
    assert.ok(!JSON.stringify((await get('/v1/sync')).body).includes(g))
  })

  test('a former member reads up to the leave seq and not one event more', async () => {
    const get = (path: string) => call(`${s.url}${path}`, 'GET', tok.former!)
    const pulled = await get(`/v1/conversations/${g}/events?from=1&limit=50`)
    assert.equal(pulled.status, 200)
    assert.deepEqual(
      pulled.body.events.map((e: { seq: number }) => e.seq),
      Array.from({ length: kickedAt }, (_, i) => i + 1),
    )
    const exported = await get(`/v1/conversations/${g}/export`)
    assert.equal(exported.status, 200)
    assert.ok(!String(exported.body).includes('secret after the kick'))
    assert.equal(String(exported.body).trim().split('\n').length, kickedAt)
    const late = await get(`/v1/conversations/${g}/messages/${kickedAt + 1}/receipts`)
    assert.equal(late.status, 403)
  })

  test('a former member hides nothing more, not even up to the leave seq: NOT_MEMBER', async () => {
    const path = `${s.url}/v1/conversations/${g}/delete-for-me`
    for (const targets of [[2], [kickedAt + 1]]) {
      const r = await call(path, 'POST', tok.former!, { id: `hide-${targets[0]}`, targets })
      assert.deepEqual([r.status, r.body.error?.code], [403, 'NOT_MEMBER'])
    }
  })

  test('admin endpoints refuse user tokens', async () => {
    for (const [method, path] of [
      ['GET', '/v1/admin/users/owner'],
      ['POST', '/v1/admin/tokens'],
      ['GET', `/v1/admin/export?conv=${g}`],
    ] as const) {
      const r = await call(`${s.url}${path}`, method, tok.owner!, method === 'POST' ? { user: 'owner' } : undefined)
      assert.equal(r.status, 401, `${method} ${path}`)
      assert.equal(r.body.error.code, 'UNAUTHORIZED')
    }
  })
})
