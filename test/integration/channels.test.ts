import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { accepted, withLogServer } from '../helpers/log.js'
import { invited, readBy, usersNamed } from '../helpers/members.js'
import { caughtUp } from '../helpers/projection.js'

/**
 * Members in all, the owner and the admin among them: the default channel
 * limit, with 10,000 readers and a group of 20,000. SEQLINE_TEST_CHANNEL_MEMBERS
 * scales the run down (readers and the group with it) for a quick look.
 */
const SUBSCRIBERS = Number(process.env.SEQLINE_TEST_CHANNEL_MEMBERS ?? 100_000)
const READERS = SUBSCRIBERS / 10
const GROUP_MEMBERS = SUBSCRIBERS / 5
const FULL = SUBSCRIBERS === 100_000
/** The projection writes some 300,000 records for 100,000 subscribers: a deadline for a loaded machine, far above the minute or two it takes. */
const SETTLE_MS = 300_000

/** This process's CPU seconds since `from`: beside wall time, it tells load from work. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from)
  return ((used.user + used.system) / 1e6).toFixed(1)
}

const post = (id: string, text: string) => ({ id, content: { type: 'text', text } })

describe(`a channel of ${SUBSCRIBERS.toLocaleString('en')} subscribers and a group of ${GROUP_MEMBERS.toLocaleString('en')} members, against a real nats-server`, () => {
  const t = withLogServer()
  let s: ApiStack
  const tokens = new Map<string, string>()
  const as = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, await s.token(user))
    return tokens.get(user)!
  }
  const api = async (user: string, method: string, path: string, body?: unknown) => call(`${s.url}${path}`, method, await as(user), body)

  const channel = 'c_big'
  const subscribers = usersNamed('s', SUBSCRIBERS - 2)
  let first: number
  let second: number

  before(async () => {
    s = await startApiStack(t, 'channel_views')
    t.defer(() => s.stop())
    const created = performance.now()
    const cpu = process.cpuUsage()
    await accepted(t.handler, { type: 'channel.create', id: 'create-big', conv: channel, actor: 'olivia', data: { name: 'Big', admins: ['adam'] } })
    const inviteMs = await invited(t.handler, channel, 'adam', subscribers)
    // The views of the joins first: reads appended while the projection writes 300,000 records wait behind its writes, one read at a time.
    const joinedViews = performance.now()
    await caughtUp(s.runner, SETTLE_MS)
    console.log(
      `# channel helper: ${subscribers.length} subscribers invited in ${Math.round(inviteMs)} ms, their views +${Math.round(performance.now() - joinedViews)} ms`,
    )
    first = (await api('olivia', 'POST', `/v1/conversations/${channel}/messages`, post('p1', 'first post'))).body.seq
    const readMs = await readBy(t.handler, channel, subscribers.slice(0, READERS), first)
    second = (await api('adam', 'POST', `/v1/conversations/${channel}/messages`, post('p2', 'second post'))).body.seq
    await readBy(t.handler, channel, subscribers.slice(0, READERS / 2), second)
    const appended = performance.now()
    await caughtUp(s.runner, SETTLE_MS)
    const settled = performance.now()
    console.log(
      `# channel helper: invites ${Math.round(inviteMs)} ms, reads ${Math.round(readMs)} ms, appended ${Math.round(appended - created)} ms, views +${Math.round(settled - appended)} ms; this process's CPU ${cpuSince(cpu)} s`,
    )
  })

  test('posts have the view counts of the subscribers who read them, the posters included', async () => {
    const one = await api('olivia', 'GET', `/v1/conversations/${channel}/messages/${first}/views`)
    assert.equal(one.status, 200, JSON.stringify(one.body))
    // The readers, olivia whose post marks it read for her, and adam, whose later post marks everything before it read.
    assert.deepEqual(one.body, { seq: first, views: READERS + 2 })
    const two = await api('s7', 'GET', `/v1/conversations/${channel}/messages/${second}/views`)
    // 5,000 readers, adam who posted it, olivia not (her read stayed at the first post).
    assert.deepEqual(two.body, { seq: second, views: READERS / 2 + 1 })
  })

  test("a subscriber's inbox row: unread posts, the last one's preview, the channel kind", async () => {
    const rows = (await api(subscribers.at(-1)!, 'GET', '/v1/inbox')).body as Array<Record<string, any>>
    const row = rows.find((r) => r.conv === channel)!
    assert.equal(row.kind, 'channel')
    assert.equal(row.name, 'Big')
    assert.equal(row.unread, 2)
    assert.equal(row.last.preview, 'second post')
    const reader = ((await api('s1', 'GET', '/v1/inbox')).body as Array<Record<string, any>>).find((r) => r.conv === channel)!
    assert.deepEqual([reader.unread, reader.readSeq], [0, second])
  })

  test('the channel is full at 100,000: one more is GROUP_FULL', { skip: !FULL && 'scaled down' }, async () => {
    const more = await api('adam', 'POST', `/v1/groups/${channel}/invite`, { id: 'late', users: ['s100000'] })
    assert.deepEqual([more.status, more.body.error.code], [409, 'GROUP_FULL'])
  })

  test('a subscriber may not post (CHANNEL_READ_ONLY), nor list the subscribers or see receipts (FORBIDDEN_ROLE)', async () => {
    const posted = await api('s5', 'POST', `/v1/conversations/${channel}/messages`, post('nope', 'may I?'))
    assert.deepEqual([posted.status, posted.body.error.code], [403, 'CHANNEL_READ_ONLY'])
    const listed = await api('s5', 'GET', `/v1/conversations/${channel}/members`)
    assert.deepEqual([listed.status, listed.body.error.code], [403, 'FORBIDDEN_ROLE'])
    const receipts = await api('s5', 'GET', `/v1/conversations/${channel}/messages/${first}/receipts`)
    assert.deepEqual([receipts.status, receipts.body.error.code], [403, 'FORBIDDEN_ROLE'])
  })

  test("the channel's admins page through its subscribers", async () => {
    const page = await api('adam', 'GET', `/v1/conversations/${channel}/members?limit=1000`)
    assert.equal(page.status, 200, JSON.stringify(page.body))
    assert.equal(page.body.count, SUBSCRIBERS)
    assert.equal(page.body.members.length, 1000)
    assert.ok(page.body.next, 'more pages follow')
    const next = await api('adam', 'GET', `/v1/conversations/${channel}/members?limit=1000&after=${page.body.next}`)
    const seen = new Set([...page.body.members, ...next.body.members].map((m: { user: string }) => m.user))
    assert.equal(seen.size, 2000, 'two pages, no user twice')
  })

  test("another subscriber's reads reach a subscriber as erased seqs, never as events", async () => {
    const events = await api(subscribers.at(-1)!, 'GET', `/v1/conversations/${channel}/events?from=${first}&limit=50`)
    assert.equal(events.status, 200)
    const types = (events.body.events as Array<{ type: string; actor: string }>).map((e) => e.type)
    assert.deepEqual(types, ['message.sent'])
    assert.ok(events.body.erased.length >= 49, JSON.stringify(events.body.erased.slice(0, 5)))
  })

  test("a 20,000-member group's receipts, page by page: every member once, read or not", async () => {
    const started = performance.now()
    const cpu = process.cpuUsage()
    const group = 'g_huge'
    const members = usersNamed('m', GROUP_MEMBERS)
    await accepted(t.handler, { type: 'group.create', id: 'create-huge', conv: group, actor: 'olivia', data: { name: 'Huge' } })
    await invited(t.handler, group, 'olivia', members)
    await caughtUp(s.runner, SETTLE_MS)
    const seq = (await api('olivia', 'POST', `/v1/conversations/${group}/messages`, post('g1', 'to all'))).body.seq as number
    const readers = members.filter((_, i) => i % 10 === 0)
    await readBy(t.handler, group, readers, seq)
    await caughtUp(s.runner, SETTLE_MS)
    const readSet = new Set<string>()
    const unreadSet = new Set<string>()
    let after: string | undefined
    let pages = 0
    do {
      const r = await api('m3', 'GET', `/v1/conversations/${group}/messages/${seq}/receipts?limit=1000${after ? `&after=${after}` : ''}`)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      for (const u of r.body.readBy) readSet.add(u)
      for (const u of r.body.unreadBy) unreadSet.add(u)
      after = r.body.next
      pages++
      // A cursor that does not move would page for ever: fail instead.
      assert.ok(pages <= GROUP_MEMBERS / 1000 + 5, `still paging after ${pages} pages`)
    } while (after !== undefined)
    console.log(
      `# ${GROUP_MEMBERS}-member group: made, read by ${readers.length} and its receipts paged (${pages} pages) in ${Math.round(performance.now() - started)} ms; this process's CPU ${cpuSince(cpu)} s`,
    )
    assert.ok(pages >= GROUP_MEMBERS / 1000, `${pages} pages`)
    assert.equal(readSet.size, readers.length + 1, 'the readers and the sender')
    assert.ok(readSet.has('olivia'))
    assert.equal(unreadSet.size, GROUP_MEMBERS - readers.length)
    assert.ok(![...readSet].some((u) => unreadSet.has(u)), 'nobody both read and unread')
  })
})
