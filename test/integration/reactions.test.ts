import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RunningApi } from '../../api/server.js'
import { until } from '../../core/index.js'
import { LATEST_REACTORS, type ServerFrame } from '../../schemas/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'
import { dumpBucket } from '../helpers/views.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const CONV = 'g_reacts'
const USERS = Array.from({ length: 50 }, (_, i) => `u${String(i).padStart(2, '0')}`)
const KEYS = ['👍', '❤️', 'tada', '👨‍👩‍👧']

type Counts = Array<{ key: string; count: number; mine: boolean; latest: string[] }>

/** What the log holds, tallied here independently of the views: per message, per key, the reactors in the order of their reactions. */
async function tallyFromLog(s: { log: Parameters<typeof readAll>[0] }, conv: string): Promise<Map<number, Map<string, string[]>>> {
  const tally = new Map<number, Map<string, string[]>>()
  for (const { event } of await readAll(s.log, conv)) {
    if (event.type !== 'reaction.added' && event.type !== 'reaction.removed') continue
    const keys = tally.get(event.data.target) ?? new Map<string, string[]>()
    const users = (keys.get(event.data.key) ?? []).filter((u) => u !== event.actor)
    if (event.type === 'reaction.added') users.push(event.actor)
    if (users.length > 0) keys.set(event.data.key, users)
    else keys.delete(event.data.key)
    tally.set(event.data.target, keys)
  }
  return tally
}

/** The aggregates a reader must be shown for one message, from a tally. */
function expected(tally: Map<number, Map<string, string[]>>, seq: number, reader: string): Counts {
  return [...(tally.get(seq) ?? new Map<string, string[]>())].map(([key, users]) => ({
    key,
    count: users.length,
    mine: users.includes(reader),
    latest: users.slice(-LATEST_REACTORS).reverse(),
  }))
}

/** A command frame and its ack or error, however long the conversation's queue makes it wait. */
async function commandOver(socket: TestSocket, command: Record<string, unknown>) {
  const rid = `rid-${String(command.id)}-${Math.random()}`
  socket.send({ type: 'command', rid, command })
  return socket.next((f): f is ServerFrame & { type: 'ack' | 'error' } => (f.type === 'ack' || f.type === 'error') && f.rid === rid, 120_000)
}

const byKey = (counts: Counts | undefined) => [...(counts ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1))

describe('reactions and pins through REST and WebSocket, two API processes on one nats-server', () => {
  const t = withLogServer()
  let s: ApiStack
  let other: RunningApi
  const sockets: TestSocket[] = []
  const tokens = new Map<string, string>()
  const token = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, await s.token(user))
    return tokens.get(user)!
  }
  const rest = async (api: { url: string }, user: string, method: string, path: string, body?: unknown) =>
    call(`${api.url}${path}`, method, await token(user), body)
  const page = async (user: string) => (await rest(s, user, 'GET', `/v1/conversations/${CONV}/events?from=1&limit=500`)).body
  let m1 = 0
  let m2 = 0
  let m3 = 0

  before(async () => {
    s = await startApiStack(t, 'reactions')
    other = await s.another()
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s?.stop()
    })
    const created = await rest(s, 'olga', 'POST', '/v1/groups', { id: 'g', conv: CONV, name: 'reacts', admins: ['adam'], members: USERS })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    const say = async (text: string) =>
      (await rest(s, 'olga', 'POST', `/v1/conversations/${CONV}/messages`, { id: text, content: { type: 'text', text } })).body.seq as number
    m1 = await say('first')
    m2 = await say('second')
    m3 = await say('third')
  })

  after(async () => {
    for (const socket of sockets.splice(0)) await socket.close()
  })

  test('50 users react at once through two processes, REST and WebSocket, some taking reactions back: the counts equal a tally of the log', async (ctx) => {
    // Even users over REST to the first process, odd ones over REST to the second, every fifth over a socket to the second.
    const sockFor = new Map<string, TestSocket>()
    for (const user of USERS.filter((_, i) => i % 5 === 0)) {
      const socket = await TestSocket.open(wsUrl(other, await token(user)))
      sockets.push(socket)
      sockFor.set(user, socket)
    }
    let n = 0
    let retries = 0
    // Two processes writing one conversation at full speed lose rounds to each other; CONTENTION says retry with the same id, as clients do.
    const retried = async <T extends { type?: string; status?: number; body?: any }>(attempt: () => Promise<T>): Promise<T> => {
      for (;;) {
        const answer = await attempt()
        const code = (answer as { error?: { code?: string } }).error?.code ?? answer.body?.error?.code
        if (code !== 'CONTENTION') return answer
        retries++
      }
    }
    const act = async (user: string, i: number, type: 'reaction.add' | 'reaction.remove', target: number, key: string) => {
      const id = `${type}-${target}-${KEYS.indexOf(key)}-${++n}`
      const socket = sockFor.get(user)
      if (socket) {
        // A generous deadline: the command may wait behind the others of its conversation on a loaded machine.
        const answer = await retried(() => commandOver(socket, { type, id, conv: CONV, data: { target, key } }))
        assert.equal(answer.type, 'ack', JSON.stringify(answer))
        return
      }
      const path = `/v1/conversations/${CONV}/messages/${target}/reactions${type === 'reaction.remove' ? '/remove' : ''}`
      const answer = await retried(() => rest(i % 2 ? other : s, user, 'POST', path, { id, key }))
      assert.equal(answer.status, 200, `${user} ${type} ${key}: ${JSON.stringify(answer.body)}`)
    }
    const acted = { added: 0, removed: 0 }
    await Promise.all(
      USERS.map(async (user, i) => {
        // Each user its own keys on two messages; every third takes its first one back.
        const keys = KEYS.filter((_, k) => (i + k) % 3 !== 0)
        for (const target of [m1, m2]) for (const key of keys) await act(user, i, 'reaction.add', target, key)
        acted.added += 2 * keys.length
        if (i % 3 === 0) {
          await act(user, i, 'reaction.remove', m1, keys[0]!)
          acted.removed++
        }
      }),
    )
    ctx.diagnostic(`${acted.added + acted.removed} reactions, ${retries} retries after CONTENTION`)
    const tally = await tallyFromLog(t, CONV)
    const reactions = [...tally.values()].flatMap((keys) => [...keys.values()]).reduce((sum, users) => sum + users.length, 0)
    assert.equal(reactions, acted.added - acted.removed, 'the log holds every acknowledged reaction once')
    // Counted here without the log too: every user's keys, minus what was taken back.
    const thumbs = USERS.filter((_, i) => (i + 0) % 3 !== 0).length
    assert.equal(tally.get(m2)?.get('👍')?.length, thumbs)

    await s.settle()
    for (const reader of ['u00', 'u07', 'u33', 'olga']) {
      const body = await page(reader)
      for (const seq of [m1, m2]) assert.deepEqual(byKey(body.reactions?.[seq]), byKey(expected(tally, seq, reader)), `${reader}, seq ${seq}`)
      assert.equal(body.reactions?.[m3], undefined, 'a message without reactions has no entry')
      const one = await rest(other, reader, 'GET', `/v1/conversations/${CONV}/messages/${m1}/reactions`)
      assert.deepEqual(one.body, { seq: m1, reactions: body.reactions[m1] }, 'the single-message read and the page agree')
    }
    const counts = (await page('u01')).reactions[m1] as Counts
    assert.deepEqual(
      counts.map((c) => c.key),
      [...tally.get(m1)!.keys()],
      'keys in the order they were first used',
    )
  })

  test('the last message of an inbox row carries its aggregates, with mine for the reader', async () => {
    for (const user of ['u01', 'u02', 'u03', 'u04'])
      assert.equal((await rest(s, user, 'POST', `/v1/conversations/${CONV}/messages/${m3}/reactions`, { id: `m3-${user}`, key: '🔥' })).status, 200)
    await s.settle()
    const row = (await rest(s, 'u02', 'GET', '/v1/inbox')).body.find((r: { conv: string }) => r.conv === CONV)
    assert.equal(row.last.seq, m3)
    assert.deepEqual(row.last.reactions, [{ key: '🔥', count: 4, mine: true, latest: ['u04', 'u03', 'u02'] }])
    const outsider = (await rest(s, 'u40', 'GET', '/v1/inbox')).body.find((r: { conv: string }) => r.conv === CONV)
    assert.equal(outsider.last.reactions[0].mine, false)
  })

  test('refusals: a second identical reaction, removing what is not there, bad keys, non-messages, strangers, too many keys', async () => {
    const react = (user: string, target: number, key: unknown, id = `r-${Math.random()}`) =>
      rest(s, user, 'POST', `/v1/conversations/${CONV}/messages/${target}/reactions`, { id, key })
    assert.equal((await react('u01', m1, '❤️')).body.error.code, 'ALREADY_REACTED')
    assert.equal((await react('u01', m1, '❤️')).status, 409)
    const notThere = await rest(other, 'u01', 'POST', `/v1/conversations/${CONV}/messages/${m1}/reactions/remove`, { id: 'nope', key: '🙈' })
    assert.deepEqual([notThere.status, notThere.body.error.code], [404, 'REACTION_NOT_FOUND'])
    for (const bad of ['two words', '', 'x'.repeat(33), 'a\u202Eb', 7]) {
      const answer = await react('u01', m1, bad)
      assert.equal(answer.status, 400, JSON.stringify(bad))
      assert.equal(answer.body.error.code, 'VALIDATION_FAILED')
      assert.ok(
        answer.body.error.details.errors.some((e: { field: string }) => e.field === '/body/key'),
        JSON.stringify(answer.body),
      )
    }
    assert.deepEqual([(await react('u01', 1, 'x')).status, (await react('u01', 1, 'x')).body.error.code], [404, 'TARGET_NOT_FOUND'], 'seq 1 is the creation')
    assert.equal((await react('u01', 999, 'x')).body.error.code, 'TARGET_NOT_FOUND')
    const stranger = await react('zed', m1, 'x')
    assert.deepEqual([stranger.status, stranger.body.error.code], [403, 'NOT_MEMBER'])
    // m3 has one key; nineteen more fill it, the twenty-first is refused.
    for (let k = 0; k < 19; k++) assert.equal((await react('u05', m3, `k${k}`)).status, 200)
    const full = await react('u06', m3, 'one-too-many')
    assert.deepEqual([full.status, full.body.error.code], [409, 'REACTION_KEYS_FULL'])
    assert.equal((await react('u06', m3, 'k3')).status, 200, 'a key already there still takes reactors')
  })

  test('pins: owner and admins pin, members may not; the list is ordered with who and when, on GET and the inbox row; refusals', async () => {
    const pin = (api: { url: string }, user: string, seq: number, how = 'pin') =>
      rest(api, user, 'POST', `/v1/conversations/${CONV}/messages/${seq}/${how}`, { id: `${how}-${user}-${seq}-${Math.random()}` })
    const member = await pin(s, 'u01', m1)
    assert.deepEqual([member.status, member.body.error.code], [403, 'FORBIDDEN_ROLE'])
    assert.equal((await pin(other, 'adam', m2)).status, 200)
    const socket = await TestSocket.open(wsUrl(s, await token('olga')))
    sockets.push(socket)
    const viaSocket = await socket.command({ type: 'message.pin', id: 'ws-pin', conv: CONV, data: { target: m1 } })
    assert.equal(viaSocket.type, 'ack', JSON.stringify(viaSocket))
    const again = await pin(s, 'olga', m1)
    assert.deepEqual([again.status, again.body.error.code], [409, 'ALREADY_PINNED'])
    const notPinned = await pin(s, 'olga', m3, 'unpin')
    assert.deepEqual([notPinned.status, notPinned.body.error.code], [404, 'NOT_PINNED'])
    assert.equal((await pin(s, 'olga', 1)).body.error.code, 'TARGET_NOT_FOUND')

    const pins = (await rest(other, 'u09', 'GET', `/v1/conversations/${CONV}/pins`)).body
    assert.deepEqual(
      pins.map((p: { seq: number; by: string }) => [p.seq, p.by]),
      [
        [m2, 'adam'],
        [m1, 'olga'],
      ],
    )
    assert.ok(pins.every((p: { at: number }) => Number.isInteger(p.at) && p.at > 0))
    await s.settle()
    const row = (await rest(s, 'u09', 'GET', '/v1/inbox')).body.find((r: { conv: string }) => r.conv === CONV)
    assert.deepEqual(row.pins, pins, 'the inbox row carries the same list, from the views')
    assert.equal((await pin(s, 'adam', m2, 'unpin')).status, 200)
    assert.deepEqual(
      (await rest(s, 'u09', 'GET', `/v1/conversations/${CONV}/pins`)).body.map((p: { seq: number }) => p.seq),
      [m1],
    )
  })

  test('a recalled message takes its reactions and its pin with it, from the state and every view; reacting to it is TARGET_GONE', async () => {
    const before = await s.views.reactions(CONV, 'u01', m1, m1)
    assert.ok((before.get(m1)?.length ?? 0) > 0)
    const recall = await rest(s, 'olga', 'POST', `/v1/conversations/${CONV}/messages/${m1}/recall`, { id: 'recall-m1' })
    assert.equal(recall.status, 200, JSON.stringify(recall.body))
    const gone = await rest(other, 'u01', 'POST', `/v1/conversations/${CONV}/messages/${m1}/reactions`, { id: 'late', key: '👍' })
    assert.deepEqual([gone.status, gone.body.error.code], [409, 'TARGET_GONE'])
    assert.deepEqual((await rest(s, 'u09', 'GET', `/v1/conversations/${CONV}/pins`)).body, [])
    await s.settle()
    assert.equal((await page('u01')).reactions?.[m1], undefined)
    assert.deepEqual((await rest(s, 'u01', 'GET', `/v1/conversations/${CONV}/messages/${m1}/reactions`)).body, { seq: m1, reactions: [] })
    const row = (await rest(s, 'u09', 'GET', '/v1/inbox')).body.find((r: { conv: string }) => r.conv === CONV)
    assert.equal(row.pins, undefined)
    // No view record keeps a reaction to the recalled message any more.
    const dump = await dumpBucket(t.nc, 'reactions')
    const naming = [...dump].filter(([key, value]) => /^r[am]\./.test(key) && JSON.stringify(value).includes(`"${m1}":`))
    assert.deepEqual(naming, [])
    assert.deepEqual(dump.get(`rl.${CONV}.${m1}`), { keys: [] })
    // The other message keeps its own.
    assert.ok(((await page('u01')).reactions?.[m2]?.length ?? 0) > 0)
  })

  test('a connected member gets reaction events live, as any event of the conversation', async () => {
    const watcher = await TestSocket.open(wsUrl(s, await token('u20')))
    sockets.push(watcher)
    await watcher.sync({ [CONV]: (await t.log.head(CONV)).seq })
    const sent = await rest(other, 'u21', 'POST', `/v1/conversations/${CONV}/messages/${m2}/reactions`, { id: 'live', key: '👀' })
    assert.equal(sent.status, 200)
    const frame = await watcher.next((f) => f.type === 'event' && f.event.type === 'reaction.added' && f.event.actor === 'u21', 10_000)
    assert.deepEqual(frame.type === 'event' && frame.event.data, { target: m2, key: '👀' })
    await until(async () => ((await page('u20')).reactions?.[m2] as Counts | undefined)?.some((c) => c.key === '👀' && c.latest[0] === 'u21') || undefined, {
      timeoutMs: 20_000,
      everyMs: 50,
      timedOut: () => new Error('the views never showed u21 reacting with 👀'),
    })
  })
})
