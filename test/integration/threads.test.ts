import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const CONV = 'g_threads'
const REPLIES = 1000
/** Replies sent over the socket; the rest over REST, at the same time. */
const OVER_SOCKET = 600

describe('threads through REST and WebSocket on a real nats-server', () => {
  const t = withLogServer()
  let s: ApiStack
  const sockets: TestSocket[] = []
  const token: Record<string, string> = {}
  const rest = (user: string, method: string, path: string, body?: unknown) => call(`${s.url}${path}`, method, token[user]!, body)
  const send = (user: string, id: string, text: string, extra: Record<string, unknown> = {}) =>
    rest(user, 'POST', `/v1/conversations/${CONV}/messages`, { id, content: { type: 'text', text }, ...extra })
  let root = 0

  before(async () => {
    s = await startApiStack(t, 'threads')
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s?.stop()
    })
    for (const u of ['ann', 'ben', 'cat', 'dan']) token[u] = await s.token(u)
    const created = await rest('ann', 'POST', '/v1/groups', { id: 'create', conv: CONV, name: 'threads', members: ['ben', 'cat', 'dan'] })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    root = (await send('ann', 'root', 'the root')).body.seq
    await rest('dan', 'POST', `/v1/conversations/${CONV}/read`, { id: 'dan-read', upTo: root })
  })

  test('1,000 replies, pipelined over a socket and REST at once, paged both ways with an exact summary', async () => {
    const ben = await TestSocket.open(wsUrl(s, token.ben))
    sockets.push(ben)
    // Pipelined: every frame is sent before the first ack is awaited.
    for (let i = 0; i < OVER_SOCKET; i++) {
      ben.send({
        type: 'command',
        rid: `r${i}`,
        command: { type: 'message.send', id: `ben-${i}`, conv: CONV, data: { content: { type: 'text', text: `ben ${i}` }, thread: root } },
      })
    }
    const overRest = Promise.all(Array.from({ length: REPLIES - OVER_SOCKET }, (_, i) => send('cat', `cat-${i}`, `cat ${i}`, { thread: root })))
    // A main-timeline message among the replies.
    const main = await send('dan', 'dan-main', 'not in the thread')
    const acks = () => ben.frames.filter((f) => f.type === 'ack' || f.type === 'error')
    await ben.next(() => acks().length === OVER_SOCKET, 120_000)
    assert.deepEqual(
      acks().filter((f) => f.type !== 'ack'),
      [],
    )
    const answers = await overRest
    assert.deepEqual(
      answers.filter((a) => a.status !== 200),
      [],
    )

    const replies = (await readAll(t.log, CONV)).flatMap(({ event: e }) => (e.type === 'message.sent' && e.data.thread?.root === root ? [e] : []))
    assert.equal(replies.length, REPLIES)
    const seqs = replies.map((e) => e.seq)
    const newest = replies.at(-1)!
    await s.settle()

    const summary = await rest('ann', 'GET', `/v1/conversations/${CONV}/threads/${root}`)
    assert.equal(summary.status, 200, JSON.stringify(summary.body))
    assert.deepEqual(summary.body, {
      root,
      replies: REPLIES,
      last: { seq: newest.seq, actor: newest.actor, at: newest.at, preview: (newest.data.content as { text: string }).text, state: 'live' },
      participants: ['ben', 'cat'],
      participated: true,
    })
    assert.equal((await rest('dan', 'GET', `/v1/conversations/${CONV}/threads/${root}`)).body.participated, false)

    // Forward from the oldest, in pages that do not divide the thread evenly; then backward from the newest.
    assert.deepEqual(await pages('forward', 97), seqs)
    assert.deepEqual(await pages('backward', 128), [...seqs].reverse())
    const middle = await rest('ben', 'GET', `/v1/conversations/${CONV}/threads/${root}/replies?from=${seqs[500]}&limit=3&direction=backward`)
    assert.deepEqual(
      middle.body.replies.map((e: { seq: number }) => e.seq),
      [seqs[500], seqs[499], seqs[498]],
    )
    assert.equal(middle.body.next, seqs[497])

    // The timeline carries the root's summary, and leaves the replies out when asked.
    const all = await rest('dan', 'GET', `/v1/conversations/${CONV}/events?from=1&limit=500`)
    assert.deepEqual(
      all.body.threads.map((x: { root: number; replies: number }) => [x.root, x.replies]),
      [[root, REPLIES]],
    )
    const timeline = await rest('dan', 'GET', `/v1/conversations/${CONV}/events?from=1&limit=500&threadReplies=exclude`)
    assert.ok(
      timeline.body.events.every((e: { data: { thread?: unknown } }) => e.data.thread === undefined),
      'no reply in the timeline',
    )
    assert.deepEqual(
      [...timeline.body.events.map((e: { seq: number }) => e.seq), ...timeline.body.threadReplies, ...timeline.body.erased].sort((a, b) => a - b),
      Array.from({ length: 500 }, (_, i) => i + 1),
      'the page still accounts for every seq',
    )

    // Unread and mentions: replies are not unread in the conversation; they notify the root's author and the thread's participants only.
    const row = async (user: string) => (await rest(user, 'GET', '/v1/inbox')).body.find((r: { conv: string }) => r.conv === CONV)
    assert.deepEqual([(await row('dan')).unread, (await row('dan')).mentioned], [0, false], "dan's own message is all that came after his read")
    assert.equal((await row('ann')).mentioned, true, 'the root author is notified')
    assert.equal((await row('ann')).unread, 1, "ann's unread is dan's main-timeline message only")
    assert.equal(main.status, 200)

    // Receipts of a reply work like any message's.
    const receipt = await rest('ann', 'GET', `/v1/conversations/${CONV}/messages/${newest.seq}/receipts`)
    assert.ok(receipt.body.readBy.includes(newest.actor), JSON.stringify(receipt.body))
    assert.ok(receipt.body.unreadBy.includes('ann'))
  })

  test('a reply to a reply is refused over REST and over the socket; a recalled root takes no more replies and its thread stays', async () => {
    const reply = (await send('cat', 'nested-base', 'a reply', { thread: root })).body.seq
    const nested = await send('ben', 'nested', 'reply to a reply', { thread: reply })
    assert.deepEqual([nested.status, nested.body.error.code], [409, 'THREAD_NESTED'])
    const cat = await TestSocket.open(wsUrl(s, token.cat))
    sockets.push(cat)
    const overSocket = await cat.command({ type: 'message.send', id: 'nested-ws', conv: CONV, data: { content: { type: 'text', text: 'x' }, thread: reply } })
    assert.equal(overSocket.type === 'error' && overSocket.error.code, 'THREAD_NESTED')

    const recalled = await rest('cat', 'POST', `/v1/conversations/${CONV}/messages/${reply}/recall`, { id: 'recall-reply' })
    assert.equal(recalled.status, 200)
    await s.settle()
    const after = (await rest('ann', 'GET', `/v1/conversations/${CONV}/threads/${root}`)).body
    assert.deepEqual([after.replies, after.last.seq, after.last.state, after.last.preview], [REPLIES, reply, 'recalled', '[recalled]'])

    assert.equal((await rest('ann', 'POST', `/v1/conversations/${CONV}/messages/${root}/recall`, { id: 'recall-root' })).status, 200)
    const late = await send('ben', 'late', 'too late', { thread: root })
    assert.deepEqual([late.status, late.body.error.code], [409, 'TARGET_GONE'])
    const page = await rest('ben', 'GET', `/v1/conversations/${CONV}/threads/${root}/replies?direction=backward&limit=2`)
    assert.equal(page.body.replies.length, 2, 'the thread stays readable')
  })

  async function pages(direction: 'forward' | 'backward', limit: number): Promise<number[]> {
    const seen: number[] = []
    let from: number | undefined
    for (let n = 0; n < 100; n++) {
      const query = `limit=${limit}&direction=${direction}${from === undefined ? '' : `&from=${from}`}`
      const page = await rest('ben', 'GET', `/v1/conversations/${CONV}/threads/${root}/replies?${query}`)
      assert.equal(page.status, 200, JSON.stringify(page.body))
      assert.deepEqual(page.body.erased, [])
      seen.push(...page.body.replies.map((e: { seq: number }) => e.seq))
      if (page.body.next === undefined) return seen
      from = page.body.next
    }
    assert.fail('more pages than the thread can have')
  }
})
