import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { Kvm } from '@nats-io/kv'
import { connect } from '@nats-io/transport-node'
import type { RunningApi } from '../../api/server.js'
import { listKeys, until } from '../../core/index.js'
import { OnlineMirror, OnlinePublisher } from '../../integrations/presence/index.js'
import { Pusher, PushTargets } from '../../integrations/push/index.js'
import { ConversationViews } from '../../projections/conversations/index.js'
import type { PushRequest } from '../../schemas/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestReceiver } from '../helpers/receiver.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const BUCKET = 'push_views'
const SECRET = 'push-secret-0123456789'
const GROUP = 'g_push'
const USERS = ['ann', 'bob', 'cat', 'dan'] as const

describe('Offline push: who gets a push for each message, with what, signed and durable', () => {
  const t = withLogServer()
  let s: ApiStack
  let other: RunningApi
  let pusher: Pusher
  let mirror: OnlineMirror
  const receiver = new TestReceiver(SECRET)
  const tok: Record<string, string> = {}
  const sockets: TestSocket[] = []
  let n = 0

  before(async () => {
    await receiver.start()
    const views = await ConversationViews.open(t.nc, BUCKET, BUCKET)
    pusher = await Pusher.open(t.nc, t.log, views, await PushTargets.open(t.nc), { batchWaitMs: 20, retry: { baseMs: 50, maxMs: 200 }, leaseTtlMs: 3000 })
    s = await startApiStack(t, BUCKET, undefined, { push: pusher, ws: { presenceHeartbeatMs: 300 } })
    other = await s.another()
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await pusher.stop()
      await s.stop()
      await receiver.stop()
    })
    await pusher.start()
    mirror = await OnlineMirror.open(t.nc)
    t.defer(() => mirror.stop())
    for (const u of USERS) tok[u] = await s.token(u)
    const created = await call(`${s.url}/v1/groups`, 'POST', tok.ann!, { id: 'create', conv: GROUP, name: 'Push', members: ['bob', 'cat', 'dan'] })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    const set = await admin('PUT', { url: receiver.url, secret: SECRET })
    assert.equal(set.status, 201, JSON.stringify(set.body))
    await until(() => pusher.delivering || undefined, { timeoutMs: 10_000, everyMs: 20, timedOut: () => new Error('the pusher never took the lease') })
  })

  const seen = (check: () => boolean, what: string) =>
    until(() => (check() ? true : undefined), { timeoutMs: 5000, everyMs: 20, timedOut: () => new Error(`never ${what}`) })

  const admin = (method: string, body?: unknown) => call(`${s.url}/v1/admin/push`, method, s.serviceToken, body)

  const pushes = (): PushRequest[] => receiver.got.flatMap((r) => (JSON.parse(r.body) as { pushes: PushRequest[] }).pushes)
  const pushesOf = (user: string, seq: number, conv = GROUP) => pushes().filter((p) => p.user === user && p.seq === seq && p.conv === conv)

  async function send(from: string, body: Record<string, unknown> = {}, conv = GROUP): Promise<number> {
    const id = `m${++n}`
    const sent = await call(`${s.url}/v1/conversations/${conv}/messages`, 'POST', tok[from]!, { id, content: { type: 'text', text: `hello ${id}` }, ...body })
    assert.equal(sent.status, 200, JSON.stringify(sent.body))
    return sent.body.seq as number
  }

  /** Waits until `user` has been pushed message `seq`: pushes of one message travel in one batch, so the others' are in too. */
  function pushedTo(user: string, seq: number, conv = GROUP, timeoutMs = 10_000): Promise<PushRequest> {
    return until(() => pushesOf(user, seq, conv)[0], {
      timeoutMs,
      everyMs: 20,
      timedOut: () => new Error(`no push of seq ${seq} to ${user}; got ${JSON.stringify(pushes())}`),
    })
  }

  async function online(api: RunningApi | ApiStack, user: string): Promise<TestSocket> {
    const socket = await TestSocket.open(wsUrl(api, tok[user]))
    sockets.push(socket)
    await socket.sync()
    return socket
  }

  test('an offline member gets one push per message, with their total unread count as badge; every request is signed', async () => {
    // The badge is the unread count when the push is decided: the second message is sent once the first is pushed.
    const first = await send('ann')
    const one = await pushedTo('bob', first)
    const second = await send('ann')
    const two = await pushedTo('bob', second)
    assert.deepEqual(one, { user: 'bob', conv: GROUP, seq: first, sender: 'ann', kind: 'text', preview: 'hello m1', mentioned: false, badge: 1 })
    assert.equal(two.badge, 2, 'the second unread message makes the badge 2')
    // A later message's push is a barrier: nothing more of the first two comes after it.
    await pushedTo('bob', await send('cat'))
    for (const seq of [first, second]) assert.equal(pushesOf('bob', seq).length, 1, `one push of seq ${seq} to bob`)
    assert.equal(pushesOf('ann', first).length, 0, 'the sender is never pushed their own message')
    assert.ok(receiver.got.length > 0 && receiver.got.every((r) => r.signed), 'every batch verifies with the secret')
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text())
    assert.match(metrics, /^seqline_push_lag_events \d+$/m)
    assert.match(metrics, /^seqline_push_batches_delivered [1-9]\d*$/m, 'the delivered batches are counted')
    assert.match(metrics, /^seqline_push_failures 0$/m)
  })

  test('a member with a socket open on the OTHER API process gets none', async () => {
    const cat = await online(other, 'cat')
    // The record is read through a watch: the test's own copy sees it when the pusher's does.
    await seen(() => mirror.isOnline('cat'), 'cat online')
    const seq = await send('ann')
    await pushedTo('bob', seq)
    assert.deepEqual(pushesOf('cat', seq), [], 'cat is online elsewhere in the cluster')
    await cat.close()
    await seen(() => !mirror.isOnline('cat'), 'cat offline')
    // Offline again once the last socket closed.
    const after = await send('ann')
    await pushedTo('cat', after)
  })

  test('mode none gets none; mode mentions only the messages that mention the member; the setting is private and shown in the inbox row', async () => {
    const none = await call(`${s.url}/v1/conversations/${GROUP}/notifications`, 'PUT', tok.bob!, { id: 'quiet-bob', mode: 'none' })
    assert.equal(none.status, 200, JSON.stringify(none.body))
    const cat = await online(s, 'cat')
    await seen(() => mirror.isOnline('cat'), 'cat online')
    const mentionsOnly = await cat.command({ type: 'notifications.configure', id: 'quiet-cat', conv: GROUP, data: { mode: 'mentions' } })
    assert.equal(mentionsOnly.type, 'ack', JSON.stringify(mentionsOnly))
    await cat.close()
    await seen(() => !mirror.isOnline('cat'), 'cat offline')
    await s.settle()

    const plain = await send('ann')
    const naming = await send('ann', { mentions: { users: ['cat'] } })
    await pushedTo('dan', plain)
    await pushedTo('dan', naming)
    assert.deepEqual(pushesOf('bob', plain).concat(pushesOf('bob', naming)), [], 'bob chose none')
    assert.deepEqual(pushesOf('cat', plain), [], 'cat is not mentioned in the first')
    assert.equal((await pushedTo('cat', naming)).mentioned, true)

    const inbox = await call(`${s.url}/v1/inbox`, 'GET', tok.bob!)
    assert.deepEqual(inbox.body.find((r: { conv: string }) => r.conv === GROUP).notifications, { mode: 'none' })
    const annSees = await call(`${s.url}/v1/conversations/${GROUP}/events?from=${none.body.seq}&limit=1`, 'GET', tok.ann!)
    assert.deepEqual(annSees.body.events, [], "another member never sees bob's setting")
    const bobSees = await call(`${s.url}/v1/conversations/${GROUP}/events?from=${none.body.seq}&limit=1`, 'GET', tok.bob!)
    assert.equal(bobSees.body.events[0]?.type, 'notifications.configured')
  })

  test('a timed setting ends by itself: pushes come again after its until', async () => {
    const until_ = Date.now() + 1500
    const set = await call(`${s.url}/v1/conversations/${GROUP}/notifications`, 'PUT', tok.bob!, { id: 'dnd-bob', mode: 'none', until: until_ })
    assert.equal(set.status, 200, JSON.stringify(set.body))
    await s.settle()
    const during = await send('ann')
    await pushedTo('dan', during)
    assert.deepEqual(pushesOf('bob', during), [], 'do not disturb holds')
    await until(() => (Date.now() > until_ ? true : undefined), { timeoutMs: 5000, everyMs: 50, timedOut: () => new Error('the clock stood still') })
    const afterwards = await send('ann')
    await pushedTo('bob', afterwards)
    const past = await call(`${s.url}/v1/conversations/${GROUP}/notifications`, 'PUT', tok.bob!, { id: 'dnd-past', mode: 'none', until: until_ })
    assert.equal(past.status, 400)
    assert.equal(past.body.error.code, 'NOTIFY_UNTIL_INVALID')
    await call(`${s.url}/v1/conversations/${GROUP}/notifications`, 'PUT', tok.cat!, { id: 'cat-all', mode: 'all' })
  })

  test("a burn-after-read message's push has no preview, nor has a message of a group that turned previews off", async () => {
    const opened = await call(`${s.url}/v1/conversations/direct`, 'POST', tok.ann!, { id: 'open-ann-dan', peer: 'dan' })
    const direct = opened.body.conv as string
    const plain = await send('ann', {}, direct)
    assert.equal((await pushedTo('dan', plain, direct)).preview, `hello m${n}`)
    const burn = await call(`${s.url}/v1/conversations/${direct}/burn`, 'PUT', tok.ann!, { id: 'burn-on', enabled: true })
    assert.equal(burn.status, 200, JSON.stringify(burn.body))
    const burning = await send('ann', {}, direct)
    const push = await pushedTo('dan', burning, direct)
    assert.ok(!('preview' in push), JSON.stringify(push))

    const off = await call(`${s.url}/v1/groups/${GROUP}`, 'PATCH', tok.ann!, { id: 'previews-off', previews: false })
    assert.equal(off.status, 200, JSON.stringify(off.body))
    const hidden = await send('ann')
    assert.ok(!('preview' in (await pushedTo('dan', hidden))))
    await call(`${s.url}/v1/groups/${GROUP}`, 'PATCH', tok.ann!, { id: 'previews-on', previews: true })
    assert.equal((await pushedTo('dan', await send('ann'))).preview, `hello m${n}`)
  })

  test("a thread reply is pushed to the root's author and the thread's participants as a mention, and to those it mentions; to nobody else", async () => {
    const conv = 'g_push_thread'
    // eve sends the barriers: a sender has read what came before, so a barrier's sender must not be one the test asks about.
    tok.eve = await s.token('eve')
    const created = await call(`${s.url}/v1/groups`, 'POST', tok.ann!, { id: 'create-thread', conv, name: 'Threads', members: ['bob', 'cat', 'dan', 'eve'] })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    const root = await send('ann', {}, conv)
    await pushedTo('dan', root, conv)
    const first = await send('bob', { thread: root }, conv)
    // A later plain message's push comes after every push of the reply: a barrier for what must not come.
    await pushedTo('dan', await send('eve', {}, conv), conv)
    assert.deepEqual(
      pushesOf('ann', first, conv).map((p) => p.mentioned),
      [true],
      "the root's author is pushed the reply, as a mention",
    )
    assert.deepEqual(
      ['cat', 'dan', 'eve'].flatMap((u) => pushesOf(u, first, conv)),
      [],
      'members outside the thread are not pushed a reply',
    )

    const second = await send('cat', { thread: root, mentions: { users: ['dan'] } }, conv)
    await pushedTo('dan', await send('eve', {}, conv), conv)
    assert.deepEqual(
      ['ann', 'bob', 'dan'].map((u) => pushesOf(u, second, conv).map((p) => p.mentioned)),
      [[true], [true], [true]],
      'the root author, the earlier replier and the one mentioned',
    )
    assert.deepEqual([...pushesOf('cat', second, conv), ...pushesOf('eve', second, conv)], [], 'never the sender, nor one outside the thread')
  })

  test('a member who reads the message within delaySeconds is not pushed', async () => {
    const slow = await admin('PUT', { url: receiver.url, secret: SECRET, delaySeconds: 2 })
    assert.equal(slow.status, 200, JSON.stringify(slow.body))
    assert.equal(slow.body.delaySeconds, 2)
    const seq = await send('ann')
    const sentAt = Date.now()
    const read = await call(`${s.url}/v1/conversations/${GROUP}/read`, 'POST', tok.cat!, { id: `read-${seq}`, upTo: seq })
    assert.equal(read.status, 200, JSON.stringify(read.body))
    const dans = await pushedTo('dan', seq)
    assert.ok(receiver.got.at(-1)!.at - sentAt >= 1500, 'the push waited for the delay')
    assert.equal(dans.seq, seq)
    assert.deepEqual(pushesOf('cat', seq), [], 'cat read it in time')
    await admin('PUT', { url: receiver.url, secret: SECRET, delaySeconds: 0 })
  })

  test('the admin API: GET never shows the secret, bad input names the field, DELETE stops pushing and a new target starts at the end', async () => {
    const shown = await admin('GET')
    assert.equal(shown.status, 200)
    assert.equal(shown.body.url, receiver.url)
    assert.ok(!JSON.stringify(shown.body).includes(SECRET), 'no secret in GET')
    assert.deepEqual(Object.keys(shown.body.lag).sort(), ['events', 'seconds'])

    const bad = await admin('PUT', { url: 'ftp://x', secret: 'short' })
    assert.equal(bad.status, 400)
    const fields = (bad.body.error.details.errors as Array<{ field: string }>).map((e) => e.field)
    assert.ok(fields.includes('/body/url') && fields.includes('/body/secret'), JSON.stringify(bad.body))

    assert.equal((await admin('DELETE')).status, 204)
    assert.equal((await admin('GET')).body.error.code, 'PUSH_NOT_CONFIGURED')
    await until(() => (!pusher.delivering ? true : undefined), { timeoutMs: 5000, everyMs: 20, timedOut: () => new Error('still delivering') })
    const unpushed = await send('ann')
    await s.settle()
    assert.equal((await admin('PUT', { url: receiver.url, secret: SECRET })).status, 201)
    await until(() => pusher.delivering || undefined, { timeoutMs: 10_000, everyMs: 20, timedOut: () => new Error('never delivering again') })
    const fresh = await send('ann')
    await pushedTo('dan', fresh)
    assert.deepEqual(pushesOf('dan', unpushed), [], 'a message sent while no target was set is not pushed later')
  })
})

describe('Cluster-wide presence', () => {
  const t = withLogServer()
  const wait = (check: () => boolean | Promise<boolean>, what: string) =>
    until(async () => ((await check()) ? true : undefined), { timeoutMs: 5000, everyMs: 20, timedOut: () => new Error(what) })

  test('a process that dies without a word takes its users offline by itself once its heartbeats stop', async () => {
    const mirror = await OnlineMirror.open(t.nc)
    t.defer(() => mirror.stop())
    const doomed = await connect({ servers: t.nats.url })
    const dying = await OnlinePublisher.open(doomed, { heartbeatMs: 200 })
    dying.connected('lee')
    await wait(() => mirror.isOnline('lee'), 'lee never online')
    // The connection goes without the publisher leaving the record, as a SIGKILLed process would; no other process beats to clean up.
    await doomed.close()
    await wait(() => !mirror.isOnline('lee'), 'lee stays online after the process died')
  })

  test("a live process removes a dead one's keys, and its own users stay online until their last socket closes", async () => {
    const mirror = await OnlineMirror.open(t.nc)
    const kv = await new Kvm(t.nc).open('seqline_presence')
    const doomed = await connect({ servers: t.nats.url })
    const live = await OnlinePublisher.open(t.nc, { heartbeatMs: 200 })
    const dying = await OnlinePublisher.open(doomed, { heartbeatMs: 200 })
    t.defer(async () => {
      mirror.stop()
      await live.close()
    })
    live.connected('kim')
    live.connected('kim')
    dying.connected('ann')
    await wait(() => mirror.isOnline('kim') && mirror.isOnline('ann'), 'both never online')
    await doomed.close()
    // One listing of the bucket per check, filtered here: a listing per filter was slow to end under load.
    // A listing that times out (keys purged under it) is simply tried again.
    const keysOf = async (proc: string) => (await listKeys(kv, '>', 2000).catch(() => undefined))?.filter((k) => k.endsWith(`.${proc}`))
    await until(async () => ((await keysOf(dying.process))?.length === 0 ? true : undefined), {
      timeoutMs: 15_000,
      everyMs: 100,
      timedOut: async () => new Error(`the dead process keeps its keys: ${(await keysOf(dying.process))?.join(', ')}`),
    })
    assert.equal(mirror.isOnline('kim'), true, 'kim is on a live process')
    live.disconnected('kim')
    // The publisher writes in order and the watch delivers in order: once zed is seen, a removal of kim would have been too.
    live.connected('zed')
    await wait(() => mirror.isOnline('zed'), 'zed never online')
    assert.equal(mirror.isOnline('kim'), true, 'kim still has a socket')
    live.disconnected('kim')
    await wait(() => !mirror.isOnline('kim'), 'kim stays online after the last socket closed')
  })
})
