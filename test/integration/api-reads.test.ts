import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Tokens, UserDirectory } from '../../api/auth/index.js'
import { startApi } from '../../api/index.js'
import { COMMAND_ROUTES } from '../../api/routes/commands.js'
import { ExportVerifier } from '../../core/log/index.js'
import { ConversationViews } from '../../projections/conversations/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { range, withLogServer } from '../helpers/log.js'
import { dereference } from '../helpers/openapi.js'

const hello = (id: string, text = id) => ({ id, content: { type: 'text', text } })
const seqsOf = (events: Array<{ seq: number }>) => events.map((e) => e.seq)

/** GET returning the raw text, for NDJSON bodies (call() would parse a one-line body as JSON). */
async function getText(url: string, token: string | null): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

function ndjson(text: string): SeqlineEvent[] {
  return lines(text).filter((line) => !('audit' in line)) as SeqlineEvent[]
}

/** Every line of an NDJSON body, the audit export's lines for verifiers (erased records, head) included. */
function lines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('read, admin, health and docs endpoints against a real nats-server', () => {
  const t = withLogServer()
  let s: ApiStack
  const tok: Record<string, string> = {}
  const as = (user: string) => tok[user] ?? null
  const get = (user: string | null, path: string) => call(`${s.url}${path}`, 'GET', user === null ? null : as(user))
  const post = async (user: string, path: string, body: unknown) => {
    const r = await call(`${s.url}${path}`, 'POST', as(user), body)
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`)
    return r.body as { seq: number }
  }
  const admin = (method: string, path: string, body?: unknown) => call(`${s.url}${path}`, method, s.serviceToken, body)

  // g_team: 1 created (alice owner, bob, carol) · 2-5 alice's m1-m4 · 6 carol kicked · 7-8 alice's m5-m6 · 9 bob reads up to 3.
  // d~alice~bob: 1 created · 2 burn on · 3 burned message · 4 message · 5 tombstone of 3 (3 is erased from the log).
  let kickedAt: number
  let t0: number
  let tMid: number

  before(async () => {
    s = await startApiStack(t, 'reads_views')
    t.defer(() => s.stop())
    for (const u of ['alice', 'bob', 'carol', 'dave']) tok[u] = await s.token(u)
    t0 = Date.now()
    await post('alice', '/v1/groups', { id: 'create-team', conv: 'g_team', name: 'team', members: ['bob', 'carol'] })
    for (let i = 1; i <= 4; i++) await post('alice', '/v1/conversations/g_team/messages', hello(`m${i}`))
    kickedAt = (await post('alice', '/v1/groups/g_team/members/carol/kick', { id: 'kick-carol' })).seq
    await post('alice', '/v1/conversations/g_team/messages', hello('m5', 'after the kick'))
    await post('alice', '/v1/conversations/g_team/messages', hello('m6', 'after the kick too'))
    await post('bob', '/v1/conversations/g_team/read', { id: 'read-3', upTo: 3 })
    await sleep(5)
    tMid = Date.now()
    await sleep(5)
    await post('alice', '/v1/conversations/direct', { id: 'dm', peer: 'bob' })
    const burn = await call(`${s.url}/v1/conversations/d~alice~bob/burn`, 'PUT', as('alice'), { id: 'burn-on', enabled: true, seconds: 60 })
    assert.equal(burn.status, 200, JSON.stringify(burn.body))
    await post('alice', '/v1/conversations/d~alice~bob/messages', hello('secret', 'burn me'))
    await post('alice', '/v1/conversations/d~alice~bob/messages', hello('kept'))
    // What the burn executor does once the delay has passed; the projection then erases seq 3.
    const burned = await t.handler.execute({ type: 'message.burn', id: 'burn-3', conv: 'd~alice~bob', actor: SYSTEM_ACTOR, data: { target: 3 } })
    assert.ok(burned.ok, JSON.stringify(burned))
    await s.settle()
  })

  test('pull by range: forward and backward pages, clipped to the head', async () => {
    const forward = await get('alice', '/v1/conversations/g_team/events?from=1&limit=3')
    assert.equal(forward.status, 200, JSON.stringify(forward.body))
    assert.deepEqual([forward.body.conv, forward.body.head, seqsOf(forward.body.events), forward.body.erased], ['g_team', 9, [1, 2, 3], []])
    assert.equal(forward.body.events[0].type, 'conversation.created')
    const backward = await get('alice', '/v1/conversations/g_team/events?from=100&limit=2&direction=backward')
    assert.deepEqual(seqsOf(backward.body.events), [8, 9])
    const beyond = await get('alice', '/v1/conversations/g_team/events?from=50')
    assert.deepEqual([beyond.status, beyond.body.head, beyond.body.events], [200, 9, []])
    const tooMany = await get('alice', '/v1/conversations/g_team/events?from=1&limit=501')
    assert.deepEqual([tooMany.status, tooMany.body.error.code], [400, 'VALIDATION_FAILED'])
  })

  test('pull authorisation: a kicked member up to the leave seq, a stranger nothing, a missing conversation 404', async () => {
    const all = await get('carol', '/v1/conversations/g_team/events?from=1&limit=500')
    assert.deepEqual([all.status, all.body.head, seqsOf(all.body.events)], [200, kickedAt, range(1, kickedAt)])
    assert.equal(all.body.events.at(-1).type, 'member.kicked')
    const back = await get('carol', '/v1/conversations/g_team/events?from=9&limit=2&direction=backward')
    assert.deepEqual(seqsOf(back.body.events), [kickedAt - 1, kickedAt])
    const after = await get('carol', `/v1/conversations/g_team/events?from=${kickedAt + 1}`)
    assert.deepEqual(after.body.events, [])
    const stranger = await get('dave', '/v1/conversations/g_team/events?from=1')
    assert.deepEqual([stranger.status, stranger.body.error.code], [403, 'NOT_MEMBER'])
    const missing = await get('alice', '/v1/conversations/g_missing/events?from=1')
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'CONVERSATION_NOT_FOUND'])
  })

  test('erased seqs are listed beside the events, so the range stays dense', async () => {
    const page = await get('bob', '/v1/conversations/d~alice~bob/events?from=1&limit=10')
    assert.equal(page.status, 200, JSON.stringify(page.body))
    assert.deepEqual([page.body.head, seqsOf(page.body.events), page.body.erased], [5, [1, 2, 4, 5], [3]])
    assert.deepEqual([page.body.events.at(-1).type, page.body.events.at(-1).data], ['message.burned', { target: 3 }])
    assert.ok(!JSON.stringify(page.body).includes('burn me'))
    const onlyTheHole = await get('bob', '/v1/conversations/d~alice~bob/events?from=3&limit=1')
    assert.deepEqual([onlyTheHole.body.events, onlyTheHole.body.erased], [[], [3]])
  })

  test('receipts: members at the seq who read it and who did not; former members none, they would learn of reads after leaving', async () => {
    const early = await get('alice', '/v1/conversations/g_team/messages/3/receipts')
    assert.equal(early.status, 200, JSON.stringify(early.body))
    assert.deepEqual(early.body, { seq: 3, readBy: ['alice', 'bob'], unreadBy: ['carol'] })
    const late = await get('bob', '/v1/conversations/g_team/messages/7/receipts')
    assert.deepEqual(late.body, { seq: 7, readBy: ['alice'], unreadBy: ['bob'] })
    const beforeLeave = await get('carol', '/v1/conversations/g_team/messages/3/receipts')
    assert.deepEqual([beforeLeave.status, beforeLeave.body.error?.code], [403, 'NOT_MEMBER'])
    const pastLeave = await get('carol', '/v1/conversations/g_team/messages/7/receipts')
    assert.deepEqual([pastLeave.status, pastLeave.body.error.code], [403, 'NOT_MEMBER'])
    const stranger = await get('dave', '/v1/conversations/g_team/messages/3/receipts')
    assert.deepEqual([stranger.status, stranger.body.error.code], [403, 'NOT_MEMBER'])
    const pastHead = await get('alice', '/v1/conversations/g_team/messages/99/receipts')
    assert.deepEqual([pastHead.status, pastHead.body.error.code], [400, 'SEQ_OUT_OF_RANGE'])
  })

  test('inbox: unread counts per conversation, and a former member frozen at the leave seq', async () => {
    const bob = await get('bob', '/v1/inbox')
    assert.equal(bob.status, 200)
    const team = bob.body.find((r: { conv: string }) => r.conv === 'g_team')
    // Live messages from others after bob's read at 3: m3, m4, m5, m6.
    assert.deepEqual([team.kind, team.maxSeq, team.readSeq, team.unread, team.mentioned], ['group', 9, 3, 4, false])
    const dm = bob.body.find((r: { conv: string }) => r.conv === 'd~alice~bob')
    assert.deepEqual([dm.maxSeq, dm.unread], [5, 1], 'the burned message no longer counts')
    const [carolsTeam] = (await get('carol', '/v1/inbox')).body
    assert.deepEqual([carolsTeam.conv, carolsTeam.maxSeq, carolsTeam.left], ['g_team', kickedAt, kickedAt])
    assert.deepEqual((await get('dave', '/v1/inbox')).body, [])
  })

  test('sync: every conversation without a cursor, then only those changed since it, reads on other devices included', async () => {
    const full = await get('bob', '/v1/sync')
    assert.equal(full.status, 200, JSON.stringify(full.body))
    assert.deepEqual(full.body.conversations.map((c: { conv: string }) => c.conv).sort(), ['d~alice~bob', 'g_team'])
    const inbox = (await get('bob', '/v1/inbox')).body as Array<{ changedAt: number }>
    assert.equal(full.body.cursor, Math.max(...inbox.map((r) => r.changedAt)))
    await sleep(5)
    const cursor = Date.now()
    const quiet = await get('bob', `/v1/sync?since=${cursor}`)
    assert.deepEqual(quiet.body, { cursor, conversations: [] })

    await sleep(5)
    await post('alice', '/v1/groups', { id: 'create-sync', conv: 'g_sync', name: 'sync', members: ['bob'] })
    const sent = await post('alice', '/v1/conversations/g_sync/messages', hello('news'))
    await s.settle()
    const changed = await get('bob', `/v1/sync?since=${cursor}`)
    assert.deepEqual(changed.body.conversations, [{ conv: 'g_sync', maxSeq: sent.seq, readSeq: 1, unread: 1, mentioned: false }])
    assert.ok(changed.body.cursor > cursor)

    await sleep(5)
    const afterNews = Date.now()
    const read = await post('bob', '/v1/conversations/g_sync/read', { id: 'read-sync', upTo: sent.seq })
    await s.settle()
    const fromOtherDevice = await get('bob', `/v1/sync?since=${afterNews}`)
    assert.deepEqual(fromOtherDevice.body.conversations, [{ conv: 'g_sync', maxSeq: read.seq, readSeq: sent.seq, unread: 0, mentioned: false }])
    const bad = await get('bob', '/v1/sync?since=yesterday')
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'VALIDATION_FAILED'])
  })

  test('user export: NDJSON of what the user may see, in seq order, erased seqs absent', async () => {
    const carol = await getText(`${s.url}/v1/conversations/g_team/export`, as('carol'))
    assert.equal(carol.status, 200)
    assert.match(carol.type, /^application\/x-ndjson/)
    assert.deepEqual(seqsOf(ndjson(carol.text)), range(1, kickedAt))
    assert.ok(!carol.text.includes('after the kick'))
    const alice = ndjson((await getText(`${s.url}/v1/conversations/g_team/export`, as('alice'))).text)
    assert.deepEqual(seqsOf(alice), range(1, 9))
    const bob = ndjson((await getText(`${s.url}/v1/conversations/d~alice~bob/export`, as('bob'))).text)
    assert.deepEqual(seqsOf(bob), [1, 2, 4, 5])
    const stranger = await get('dave', '/v1/conversations/g_team/export')
    assert.deepEqual([stranger.status, stranger.body.error.code], [403, 'NOT_MEMBER'])
  })

  test('admin users and tokens: service credential only, registered users only, minted tokens work', async () => {
    for (const token of [null, as('alice')]) {
      const r = await call(`${s.url}/v1/admin/users/alice`, 'GET', token)
      assert.deepEqual([r.status, r.body.error.code], [401, 'UNAUTHORIZED'])
    }
    const created = await admin('PUT', '/v1/admin/users/erin', { name: 'Erin', meta: { team: 'ops' } })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    assert.deepEqual([created.body.user, created.body.name, created.body.meta], ['erin', 'Erin', { team: 'ops' }])
    const updated = await admin('PUT', '/v1/admin/users/erin', { name: 'Erin E.' })
    assert.deepEqual([updated.status, updated.body.name, updated.body.registeredAt], [200, 'Erin E.', created.body.registeredAt])
    assert.equal((await admin('GET', '/v1/admin/users/erin')).body.name, 'Erin E.')
    const unknown = await admin('GET', '/v1/admin/users/nobody')
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'USER_NOT_FOUND'])
    const invalid = await admin('PUT', '/v1/admin/users/erin', { name: 'x', shoe: 42 })
    assert.deepEqual([invalid.status, invalid.body.error.code], [400, 'VALIDATION_FAILED'])

    const notMinted = await admin('POST', '/v1/admin/tokens', { user: 'nobody' })
    assert.deepEqual([notMinted.status, notMinted.body.error.code], [404, 'USER_NOT_FOUND'])
    const minted = await admin('POST', '/v1/admin/tokens', { user: 'erin', ttlSeconds: 120 })
    assert.equal(minted.status, 200, JSON.stringify(minted.body))
    assert.ok(Math.abs(minted.body.expiresAt - (Date.now() + 120_000)) < 5_000)
    const inbox = await call(`${s.url}/v1/inbox`, 'GET', minted.body.token)
    assert.deepEqual([inbox.status, inbox.body], [200, []])
  })

  test('admin export by conversation: every stored event in seq order, optionally within a time range', async () => {
    const team = await getText(`${s.url}/v1/admin/export?conv=g_team`, s.serviceToken)
    assert.deepEqual([team.status, seqsOf(ndjson(team.text))], [200, range(1, 9)])
    assert.match(team.type, /^application\/x-ndjson/)
    const dmText = (await getText(`${s.url}/v1/admin/export?conv=d~alice~bob`, s.serviceToken)).text
    assert.deepEqual(seqsOf(ndjson(dmText)), [1, 2, 4, 5])
    // What a verifier needs: the burned seq's record in its place (no text, no salt) and the head line last.
    const audit = lines(dmText).filter((line) => 'audit' in line)
    assert.deepEqual(
      audit.map((line) => [line.audit, (line.link as { seq?: number } | undefined)?.seq ?? line.seq]),
      [
        ['erased', 3],
        ['head', 5],
      ],
    )
    assert.doesNotMatch(dmText, /burn me/)
    const verifier = new ExportVerifier()
    for (const line of dmText.split('\n')) verifier.line(line)
    const verified = verifier.finish()
    assert.deepEqual([verified.ok, verified.conversations[0]?.erased, verified.conversations[0]?.chain.linked], [true, [3], 5], JSON.stringify(verified))
    const early = ndjson((await getText(`${s.url}/v1/admin/export?conv=g_team&until=${tMid}`, s.serviceToken)).text)
    assert.deepEqual(seqsOf(early), range(1, 9), 'g_team was written before tMid')
    assert.deepEqual(ndjson((await getText(`${s.url}/v1/admin/export?conv=g_team&since=${tMid}`, s.serviceToken)).text), [])
    const missing = await admin('GET', '/v1/admin/export?conv=g_missing')
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'CONVERSATION_NOT_FOUND'])
    const user = await call(`${s.url}/v1/admin/export?conv=g_team`, 'GET', as('alice'))
    assert.equal(user.status, 401)
  })

  test('admin export by time range: across partitions, per conversation in seq order, bounded by until', async () => {
    const allText = (await getText(`${s.url}/v1/admin/export?since=${t0}`, s.serviceToken)).text
    const all = ndjson(allText)
    // A time range carries the record of a seq erased between two of its events, and verifies inside.
    const ranged = new ExportVerifier()
    for (const line of allText.split('\n')) ranged.line(line)
    const rangedResult = ranged.finish()
    assert.ok(rangedResult.ok, JSON.stringify(rangedResult))
    assert.deepEqual(rangedResult.conversations.find((c) => c.conv === 'd~alice~bob')?.erased, [3])
    const byConv = (events: SeqlineEvent[], conv: string) => seqsOf(events.filter((e) => e.conv === conv))
    assert.deepEqual(byConv(all, 'g_team'), range(1, 9))
    assert.deepEqual(byConv(all, 'd~alice~bob'), [1, 2, 4, 5])
    assert.ok(all.every((e) => e.at >= t0))
    const early = ndjson((await getText(`${s.url}/v1/admin/export?since=${t0}&until=${tMid}`, s.serviceToken)).text)
    assert.deepEqual(byConv(early, 'g_team'), range(1, 9))
    assert.deepEqual(byConv(early, 'd~alice~bob'), [])
    assert.ok(early.every((e) => e.at <= tMid))
    // The same bounds as ISO 8601 times (the + of an offset sent as %2B) name the same instants.
    const iso = (ms: number) => new Date(ms).toISOString()
    const shanghai = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, -1)}%2B08:00`
    const isoEarly = ndjson((await getText(`${s.url}/v1/admin/export?since=${iso(t0)}&until=${shanghai(tMid)}`, s.serviceToken)).text)
    assert.deepEqual(isoEarly, early)
    const local = await admin('GET', `/v1/admin/export?since=${iso(t0).slice(0, -1)}`)
    assert.deepEqual([local.status, local.body.error.details.errors[0].field], [400, '/querystring/since'])
    assert.match(local.body.error.message, /since has no zone/)
    const future = await getText(`${s.url}/v1/admin/export?since=${Date.now() + 60_000}`, s.serviceToken)
    assert.deepEqual([future.status, future.text], [200, ''])

    const neither = await admin('GET', '/v1/admin/export')
    assert.deepEqual([neither.status, neither.body.error.code], [400, 'VALIDATION_FAILED'])
    assert.match(neither.body.error.message, /conv .* or since/)
    const backwards = await admin('GET', `/v1/admin/export?since=${tMid}&until=${t0}`)
    assert.deepEqual([backwards.status, backwards.body.error.code], [400, 'VALIDATION_FAILED'])
  })

  test('a system message is written as @system and shows in pulls', async () => {
    await post('alice', '/v1/groups', { id: 'create-notice', conv: 'g_notice', name: 'notice', members: ['bob'] })
    const sent = await admin('POST', '/v1/admin/conversations/g_notice/messages', hello('maintenance', 'down at 2am'))
    assert.equal(sent.status, 200, JSON.stringify(sent.body))
    const again = await admin('POST', '/v1/admin/conversations/g_notice/messages', hello('maintenance', 'down at 2am'))
    assert.deepEqual([again.body.seq, again.body.duplicate], [sent.body.seq, true])
    const page = await get('bob', `/v1/conversations/g_notice/events?from=${sent.body.seq}&limit=1`)
    const [event] = page.body.events
    assert.deepEqual([event.seq, event.actor, event.type, event.data.content.text], [sent.body.seq, '@system', 'message.sent', 'down at 2am'])
    const missing = await admin('POST', '/v1/admin/conversations/g_missing/messages', hello('x'))
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'CONVERSATION_NOT_FOUND'])
    const invalid = await admin('POST', '/v1/admin/conversations/g_notice/messages', { id: 'y', content: { type: 'text' } })
    assert.deepEqual([invalid.status, invalid.body.error.code], [400, 'VALIDATION_FAILED'])
  })

  test('/healthz, /readyz and /metrics answer without credentials', async () => {
    assert.deepEqual(await get(null, '/healthz'), { status: 200, body: { status: 'ok' } })
    const ready = await get(null, '/readyz')
    assert.equal(ready.status, 200, JSON.stringify(ready.body))
    assert.deepEqual([ready.body.ready, ready.body.nats, ready.body.reasons], [true, 'connected', []])
    assert.equal(typeof ready.body.lag.events, 'number')

    s.api.app.metrics.connections.set(3)
    const scraped = await getText(`${s.url}/metrics`, null)
    assert.equal(scraped.status, 200)
    assert.match(scraped.type, /^text\/plain/)
    for (const name of [
      'seqline_http_request_duration_seconds_bucket',
      'seqline_command_duration_seconds_bucket',
      'seqline_projection_lag_events',
      'seqline_projection_lag_seconds',
      'seqline_process_resident_memory_bytes',
    ]) {
      assert.ok(scraped.text.includes(name), `${name} missing`)
    }
    assert.match(scraped.text, /^seqline_ws_connections 3$/m)
    assert.match(scraped.text, /seqline_command_duration_seconds_count\{method="POST",route="\/v1\/conversations\/:conv\/messages",status="200"\} \d+/)
    assert.match(scraped.text, /seqline_http_request_duration_seconds_count\{method="GET",route="\/v1\/conversations\/:conv\/events",status="403"\} \d+/)
    assert.ok(!/seqline_command_duration_seconds_count\{method="GET"/.test(scraped.text), 'reads are not commands')
  })

  test('/openapi.json documents the command and read routes; /docs serves the UI', async () => {
    const doc = await get(null, '/openapi.json')
    assert.equal(doc.status, 200)
    assert.match(doc.body.openapi, /^3\./)
    const paths = dereference(doc.body).paths
    const documented = (method: string, url: string) => paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]
    for (const route of COMMAND_ROUTES) assert.ok(documented(route.method, route.url), `${route.method} ${route.url} undocumented`)
    for (const url of ['/v1/conversations/:conv/events', '/v1/inbox', '/v1/sync', '/v1/conversations/:conv/export', '/v1/admin/export']) {
      assert.ok(documented('GET', url), `GET ${url} undocumented`)
    }
    const pull = documented('GET', '/v1/conversations/:conv/events')
    assert.ok(pull.parameters.some((p: { name: string; in: string }) => p.name === 'from' && p.in === 'query'))
    assert.ok(pull.responses['200'].content['application/json'].schema.properties.erased)
    assert.deepEqual(documented('POST', '/v1/admin/tokens').security, [{ service: [] }])
    const ui = await fetch(`${s.url}/docs`)
    assert.equal(ui.status, 200)
    assert.match(await ui.text(), /swagger/i)
  })

  test('a time-range export ends even when every event after its start was erased', async () => {
    const created = await t.handler.execute({ type: 'group.create', id: 'tail', conv: 'g_tail', actor: 'erin', data: { name: 'tail' } })
    assert.ok(created.ok)
    await sleep(5)
    const since = Date.now()
    assert.ok((await t.handler.execute({ type: 'message.send', id: 'gone', conv: 'g_tail', actor: 'erin', data: { content: { type: 'text', text: 'x' } } })).ok)
    assert.ok(await t.log.erase('g_tail', (await t.log.head('g_tail')).streamSeq))
    const started = Date.now()
    const r = await getText(`${s.url}/v1/admin/export?since=${since}`, s.serviceToken)
    assert.deepEqual([r.status, r.text], [200, ''])
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`)
    // withLogServer's after hook closes NATS before ours stops the stack: leave the projection idle.
    await s.settle()
  })
})

describe('rate and body limits', () => {
  const t = withLogServer()
  let s: ApiStack

  before(async () => {
    s = await startApiStack(t, 'limited_views', { bodyLimitBytes: 2048, rateLimitPerMinute: 5 })
    t.defer(() => s.stop())
  })

  test('429 with the error shape once a user exceeds the limit; other users keep their own allowance', async () => {
    const [alice, bob] = [await s.token('alice'), await s.token('bob')]
    for (let i = 0; i < 5; i++) assert.equal((await call(`${s.url}/v1/inbox`, 'GET', alice)).status, 200, `request ${i + 1}`)
    const res = await fetch(`${s.url}/v1/inbox`, { headers: { authorization: `Bearer ${alice}` } })
    const body = (await res.json()) as { error: { code: string; message: string; details: { limit: number } } }
    assert.equal(res.status, 429)
    assert.deepEqual([body.error.code, body.error.details.limit], ['RATE_LIMITED', 5])
    assert.ok(Number(res.headers.get('retry-after')) > 0)
    assert.equal((await call(`${s.url}/v1/inbox`, 'GET', bob)).status, 200, 'bob is counted apart from alice')
  })

  test("forged tokens naming a user do not use up that user's allowance", async () => {
    const forger = new Tokens({ serviceToken: 'f'.repeat(24), jwtSecret: 'not-the-secret-not-the-secret-xx' })
    const forged = (await forger.mint('dave', 60)).token
    for (let i = 0; i < 4; i++) assert.equal((await call(`${s.url}/v1/inbox`, 'GET', forged)).status, 401)
    assert.equal((await call(`${s.url}/v1/inbox`, 'GET', await s.token('dave'))).status, 200)
  })

  test('minting answers 501 when Seqline verifies with a public key instead of a shared secret', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const serviceToken = 's'.repeat(24)
    const tokens = new Tokens({ serviceToken, jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() })
    const deps = {
      log: t.log,
      nc: t.nc,
      handler: t.handler,
      views: await ConversationViews.open(t.nc, 'keypair_views'),
      users: await UserDirectory.open(t.nc, 'keypair_users'),
      tokens,
      limits: { bodyLimitBytes: 2048, rateLimitPerMinute: 100 },
    }
    const api = await startApi(deps, '127.0.0.1', 0)
    try {
      assert.equal((await call(`${api.url}/v1/admin/users/frank`, 'PUT', serviceToken, { name: 'Frank' })).status, 201)
      const r = await call(`${api.url}/v1/admin/tokens`, 'POST', serviceToken, { user: 'frank' })
      assert.deepEqual([r.status, r.body.error.code], [501, 'MINTING_UNAVAILABLE'])
      assert.match(r.body.error.message, /SEQLINE_JWT_SECRET/)
    } finally {
      await api.close()
    }
  })
})
