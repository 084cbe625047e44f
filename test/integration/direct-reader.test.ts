import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType, type StoredMsg } from '@nats-io/jetstream'
import { connect, errors, headers, type NatsConnection } from '@nats-io/transport-node'
import { type DirectMsg, type DirectQuery, DirectReader, directReaderOf } from '../../core/log/direct-reader.js'
import { isUnavailable } from '../../core/log/jetstream-errors.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

const STREAM = 'DIRECT_READS'
/** A subject something listens on and never answers: a direct get of a stream that never replies. */
const SILENT_STREAM = 'SILENT'
const SILENT_SUBJECT = `$JS.API.DIRECT.GET.${SILENT_STREAM}`

/** The fields callers read, from either reader, so the two compare as values. */
function seen(m: StoredMsg | DirectMsg | null) {
  if (!m) return null
  return {
    seq: m.seq,
    subject: m.subject,
    data: m.string(),
    stream: m.header.get('Nats-Stream'),
    time: m.header.get('Nats-Time-Stamp'),
    seqHeader: m.header.get('Nats-Sequence'),
    custom: m.header.get('X-Test'),
  }
}

/** Settles within ms or fails the test: a reader that hangs must not hang the suite. */
async function within<T>(ms: number, p: Promise<T>, what: string): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([Promise.allSettled([p]).then(([r]) => r!), late])
  } finally {
    clearTimeout(timer)
  }
}

describe('direct gets through one shared reply subscription, on a real nats-server', () => {
  const t = withLogServer({ failoverWaitMs: 30_000 })
  let jsm: JetStreamManager
  let reader: DirectReader
  /** A second connection whose subscription swallows requests to SILENT_SUBJECT. */
  let silent: NatsConnection

  before(async () => {
    jsm = await jetstreamManager(t.nc)
    await jsm.streams.add({ name: STREAM, subjects: ['dr.>'], storage: StorageType.File, retention: RetentionPolicy.Limits, allow_direct: true })
    const js = jsm.jetstream()
    for (let i = 1; i <= 6; i++) {
      const h = headers()
      h.set('X-Test', `h${i}`)
      await js.publish(i % 2 ? 'dr.a' : 'dr.b', JSON.stringify({ i }), { headers: h })
    }
    await jsm.streams.deleteMessage(STREAM, 3)
    reader = directReaderOf(t.nc)
    silent = await connect({ servers: t.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    silent.subscribe(SILENT_SUBJECT, { callback: () => undefined })
    await silent.flush()
  })

  after(async () => {
    await silent?.close()
  })

  test('finds what nats.js finds, and null where it finds nothing: by seq, last by subject, next by subject', async () => {
    const queries: DirectQuery[] = [
      { seq: 1 },
      { seq: 6 },
      { seq: 3 },
      { seq: 99 },
      { last_by_subj: 'dr.a' },
      { last_by_subj: 'dr.b' },
      { last_by_subj: 'dr.none' },
      { seq: 2, next_by_subj: 'dr.a' },
      { seq: 3, next_by_subj: 'dr.b' },
      { seq: 6, next_by_subj: 'dr.a' },
      { seq: 1, next_by_subj: 'dr.*' },
    ]
    const ours = await Promise.all(queries.map((q) => reader.get(STREAM, q, 5000).then(seen)))
    const theirs = await Promise.all(queries.map((q) => jsm.direct.getMessage(STREAM, q).then(seen)))
    assert.deepEqual(ours, theirs)
    assert.deepEqual(
      ours.map((m) => m?.seq ?? null),
      [1, 6, null, null, 5, 6, null, 5, 4, null, 1],
    )
    assert.deepEqual(ours[0], { seq: 1, subject: 'dr.a', data: '{"i":1}', stream: STREAM, time: ours[0]!.time, seqHeader: '1', custom: 'h1' })
    assert.ok(ours[0]!.time.length > 0, 'the stored time is read')
    assert.deepEqual((await reader.get(STREAM, { seq: 4 }, 5000))!.json(), { i: 4 })
  })

  test('a stream that does not exist (JetStream leaves the get unanswered) rejects as unavailable, as nats.js does', async () => {
    const ours = await within(5000, reader.get('NO_SUCH_STREAM', { seq: 1 }, 300), 'a get with a 300 ms deadline').then((r) =>
      r.status === 'rejected' ? r.reason : undefined,
    )
    const quick = await jetstreamManager(t.nc, { timeout: 300, checkAPI: false })
    const theirs = await quick.direct.getMessage('NO_SUCH_STREAM', { seq: 1 }).then(
      () => undefined,
      (err: unknown) => err,
    )
    assert.ok(ours instanceof errors.TimeoutError, `got ${String(ours)}`)
    assert.ok(theirs instanceof errors.TimeoutError, `nats.js: ${String(theirs)}`)
    assert.ok(isUnavailable(ours), 'retried by the failover wait')
  })

  test('no reply in time rejects as a timeout, which the log retries', async () => {
    const started = Date.now()
    const r = await within(5000, reader.get(SILENT_STREAM, { seq: 1 }, 300), 'a get with a 300 ms deadline')
    assert.equal(r.status, 'rejected')
    const err = (r as PromiseRejectedResult).reason
    assert.ok(err instanceof errors.TimeoutError, `got ${String(err)}`)
    assert.ok(isUnavailable(err))
    assert.ok(Date.now() - started >= 300, 'not before its deadline')
  })

  test('many gets set no timer each (nats.js sets one per request)', async () => {
    const count = async (get: () => Promise<unknown>) => {
      const original = globalThis.setTimeout
      let timers = 0
      globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
        timers++
        return original(...args)
      }) as typeof setTimeout
      try {
        for (let i = 0; i < 200; i++) await get()
      } finally {
        globalThis.setTimeout = original
      }
      return timers
    }
    const ours = await count(() => reader.get(STREAM, { last_by_subj: 'dr.a' }, 5000))
    const theirs = await count(() => jsm.direct.getMessage(STREAM, { last_by_subj: 'dr.a' }))
    assert.ok(theirs >= 200, `the count sees nats.js's timers (${theirs})`)
    assert.ok(ours < 20, `${ours} timers for 200 gets`)
  })

  test('close rejects the gets still waiting, and any later one', async () => {
    const own = new DirectReader(t.nc)
    const waiting = own.get(SILENT_STREAM, { seq: 1 }, 60_000)
    // Sent at the end of the turn, then on the wire before the flush's PING.
    await new Promise(setImmediate)
    await t.nc.flush()
    own.close()
    const r = await within(2000, waiting, 'a waiting get after close')
    assert.equal(r.status, 'rejected')
    assert.match(String((r as PromiseRejectedResult).reason), /closed before the reply came/)
    await assert.rejects(own.get(STREAM, { seq: 1 }, 5000), /direct reader closed/)
  })

  test('gets waiting when the server goes away, or asked while it is away, reject in time; the log read retries through the restart', async () => {
    await createGroup(t.handler, 'g_restart', 'alice', ['bob'])
    await accepted(t.handler, text('m1', 'g_restart', 'alice'))
    const waiting = within(10_000, reader.get(SILENT_STREAM, { seq: 1 }, 120_000), 'a get waiting when the connection dropped')
    // Sent at the end of the turn, then on the wire before the flush's PING.
    await new Promise(setImmediate)
    await t.nc.flush()
    await t.nats.stop()
    const r = await waiting
    assert.equal(r.status, 'rejected')
    assert.ok(isUnavailable((r as PromiseRejectedResult).reason), 'a timeout, retried by callers')

    // Read while the server is down: the log's read retries until the server is back. A get asked meanwhile is
    // given up on reconnecting (its reply does not come), not left to wait out its 60 s.
    const last = t.log.last('g_restart')
    const asked = within(20_000, reader.get(STREAM, { seq: 2 }, 60_000), 'a get asked while disconnected')
    await t.nats.restart()
    const given = await asked
    assert.equal(given.status, 'rejected')
    assert.ok(isUnavailable((given as PromiseRejectedResult).reason), 'a timeout, retried by callers')
    const read = await within(30_000, last, 'a log read across the restart')
    assert.equal(read.status, 'fulfilled', String((read as PromiseRejectedResult).reason))
    assert.equal((read as PromiseFulfilledResult<Awaited<typeof last>>).value?.event.seq, 2)
    // And the shared reader serves gets again on the re-established connection.
    assert.equal((await reader.get(STREAM, { seq: 1 }, 5000))?.seq, 1)
  })
})
