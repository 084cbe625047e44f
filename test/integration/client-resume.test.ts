import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { WebSocket } from 'ws'
import { type QueuedCommand, SeqlineClient, type SeqlineEvent, type SeqlineSocket, type SocketEvents, type SocketOptions } from '../../client/src/index.js'
import { FileStore } from '../../client/src/node.js'
import { until } from '../../core/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { range, withLogServer } from '../helpers/log.js'

/** Everything a socket delivers, and a way to wait for a condition on it. */
function record(live: SeqlineSocket) {
  const events: SeqlineEvent[] = []
  const skipped: Array<{ conv: string; upTo: number }> = []
  live.on('event', (e) => events.push(e))
  live.on('skipped', (s) => skipped.push(s))
  const wait = (done: () => boolean, what: string) =>
    until(() => (done() ? true : undefined), {
      timeoutMs: 8000,
      everyMs: 10,
      timedOut: () => new Error(`timed out waiting for ${what}; delivered ${JSON.stringify(events.map((e) => e.seq))}`),
    })
  return { events, skipped, wait, seqs: () => events.map((e) => e.seq) }
}

const next = <K extends 'synced' | 'open'>(live: SeqlineSocket, name: K) =>
  new Promise<void>((resolve) => {
    const off = live.on(name, (() => {
      off()
      resolve()
    }) as SocketEvents[K])
  })

describe('the client resumes: latest-N sync, position store, outbox', () => {
  const t = withLogServer()
  let s: ApiStack
  let dir: string
  let alice: SeqlineClient
  let bob: SeqlineClient
  let conv: string
  // Closed at the end whatever happens: a socket left open would keep reconnecting and the run would never end.
  const sockets: SeqlineSocket[] = []
  const open = (options: Partial<SocketOptions>) => {
    const live = bob.connect({ WebSocket, ...options })
    sockets.push(live)
    return live
  }

  before(async () => {
    s = await startApiStack(t, 'client_resume')
    dir = await mkdtemp(join(tmpdir(), 'seqline-client-'))
    t.defer(async () => {
      for (const live of sockets) live.close()
      await s.stop()
      await rm(dir, { recursive: true, force: true })
    })
    alice = new SeqlineClient({ url: s.url, token: await s.token('alice') })
    bob = new SeqlineClient({ url: s.url, token: await s.token('bob') })
    conv = (await alice.openDirect('bob')).conv
    for (let i = 1; i <= 30; i++) await alice.text(conv, `m${i}`)
    await s.settle()
  })

  test('a new device that asks for the latest 5 gets only those, after a skipped frame, and holds the head', async () => {
    const head = (await t.log.head(conv)).seq
    const live = open({ latest: 5 })
    const got = record(live)
    await next(live, 'synced')
    live.close()
    assert.deepEqual(got.skipped, [{ conv, upTo: head - 5 }])
    assert.deepEqual(got.seqs(), range(head - 4, head))
    assert.equal(live.positions()[conv], head)
  })

  test('a conversation named in have is synced from there in full, latest notwithstanding', async () => {
    const head = (await t.log.head(conv)).seq
    const live = open({ latest: 2, have: { [conv]: head - 10 } })
    const got = record(live)
    await next(live, 'synced')
    live.close()
    assert.deepEqual(got.skipped, [])
    assert.deepEqual(got.seqs(), range(head - 9, head))
  })

  test('with a file position store a restarted app resumes where it was instead of replaying', async () => {
    const positions = new FileStore<Record<string, number>>(join(dir, 'positions.json'))
    const first = open({ positions })
    const before = record(first)
    await next(first, 'synced')
    const held = (await t.log.head(conv)).seq
    assert.equal(before.seqs().at(-1), held, 'the first run got everything')
    await first.flushed()
    first.close()
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'positions.json'), 'utf8')), { [conv]: held })

    for (let i = 1; i <= 3; i++) await alice.text(conv, `while away ${i}`)
    const restarted = open({ positions })
    const after = record(restarted)
    await next(restarted, 'synced')
    restarted.close()
    assert.deepEqual(after.seqs(), range(held + 1, held + 3), 'only what came while it was away')
  })

  test('the outbox keeps an unacknowledged command across a restart and sends it once, with its id', async () => {
    const outbox = new FileStore<QueuedCommand[]>(join(dir, 'outbox.json'))
    // Nothing listens here: the command cannot reach Seqline before the app stops.
    const offline = open({ outbox, url: 'http://127.0.0.1:9', backoff: { initialMs: 50, maxMs: 50 } })
    const sent = offline.sendCommand({ type: 'message.send', conv, data: { content: { type: 'text', text: 'written offline' } } })
    const [queued] = offline.queued()
    assert.ok(queued)
    await offline.flushed()
    offline.close()
    await assert.rejects(sent, (err: Error & { code?: string }) => err.code === 'CLOSED')
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'outbox.json'), 'utf8')), [queued])

    const before = (await t.log.head(conv)).seq
    const restarted = open({ outbox })
    const outcomes: Parameters<SocketEvents['command']>[0][] = []
    restarted.on('command', (o) => outcomes.push(o))
    await until(() => (outcomes.length > 0 ? true : undefined), { timeoutMs: 8000, everyMs: 10, timedOut: () => new Error('the queued command was not sent') })
    await restarted.flushed()
    restarted.close()
    assert.deepEqual(outcomes, [{ id: queued.id, type: 'message.send', ack: { conv, seq: before + 1, duplicate: false } }])
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'outbox.json'), 'utf8')), [], 'acknowledged: gone from the outbox')
    const written = await alice.events(conv, { from: before + 1, limit: 10 })
    assert.deepEqual(
      written.map((e) => [e.cmd, e.type === 'message.sent' ? e.data.content : null]),
      [[queued.id, { type: 'text', text: 'written offline' }]],
    )
  })
})
