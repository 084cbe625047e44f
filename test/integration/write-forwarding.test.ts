import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import { errors, type NatsConnection } from '@nats-io/transport-node'
import { CommandHandler, ContentionError, PartitionWriter, WRITES_SUBJECT, WriteForwarder } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { LogUnavailableError } from '../../core/log/index.js'
import { until } from '../../core/until.js'
import { PartitionShares } from '../../projections/runtime/index.js'
import { validateCommand } from '../../schemas/index.js'
import { accepted, createGroup, openLog, readAll, TEST_PARTITIONS, text, withLogServer } from '../helpers/log.js'

/**
 * Two processes, each its own connection and handler: the writer decides the
 * commands of the partitions it holds, the other forwards them. Each handler's
 * clock stamps the events it decides, so the stored event tells which process
 * decided it.
 */
const WRITER_CLOCK = 1_000_000
const FORWARDER_CLOCK = 2_000_000

describe('commands forwarded to the process writing their partition, on a real nats-server', () => {
  const t = withLogServer()
  // What a test set up that would answer forwarded commands: gone before the next test, even when an assertion failed first.
  const answering: Array<() => unknown> = []
  afterEach(async () => {
    for (const stop of answering.splice(0).reverse()) await stop()
  })
  const partitions = Array.from({ length: TEST_PARTITIONS }, (_, p) => p)

  async function process(clock: number) {
    const { nc, log } = await openLog(t.nats.url)
    const handler = new CommandHandler(log, createDecider(), { clock: () => clock })
    t.defer(async () => {
      log.close()
      await nc.close()
    })
    return { nc, log, handler }
  }

  /** A process writing every partition, with a PartitionWriter each. */
  async function writer() {
    const w = await process(WRITER_CLOCK)
    const writers = partitions.map((p) => new PartitionWriter(w.nc, w.handler, p))
    for (const pw of writers) await pw.start()
    const stop = async () => {
      for (const pw of writers) await pw.stop()
    }
    answering.push(stop)
    return { ...w, stop }
  }

  /** A process that writes no partition itself: it forwards everything. */
  async function forwarding(timeoutMs?: number, onQuiet?: (partition: number) => void) {
    const f = await process(FORWARDER_CLOCK)
    const forwarder = new WriteForwarder(f.nc, (command, abandoned) => f.handler.handleHere(command, abandoned), {
      writesHere: () => false,
      partitionOf: (conv) => f.log.partitionOf(conv),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(onQuiet ? { onQuiet } : {}),
    })
    f.handler.forwardTo(forwarder)
    t.defer(() => forwarder.close())
    return { ...f, forwarder }
  }

  async function validated(command: unknown) {
    const v = validateCommand(command)
    assert.ok(v.ok)
    return v.value
  }

  async function decidedAt(conv: string, seq: number): Promise<number> {
    const stored = (await readAll(t.log, conv)).find((s) => s.event.seq === seq)
    assert.ok(stored, `${conv}#${seq} is stored`)
    return stored.event.at
  }

  /**
   * Makes `f` lose an append race on `conv` (created, with seq 1, by whoever): f caches
   * the conversation, another writer (the suite's own handler, no writer of any
   * partition) appends, f's next append is refused and f catches up. Returns the seq
   * f's own command then got.
   */
  let races = 0
  async function contend(f: { handler: CommandHandler }, conv: string): Promise<number> {
    const race = ++races
    await accepted(f.handler, text(`race${race}-f1`, conv, 'bob'))
    await accepted(t.handler, text(`race${race}-o1`, conv, 'alice'))
    return (await accepted(f.handler, text(`race${race}-f2`, conv, 'bob'))).seq
  }

  test('a conversation only this process writes stays here: no command of it is forwarded', async () => {
    const w = await writer()
    const f = await forwarding()
    const conv = 'g_fw_alone'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    for (let i = 1; i <= 3; i++) await accepted(f.handler, text(`m${i}`, conv, 'bob'))
    for (let seq = 1; seq <= 4; seq++) assert.equal(await decidedAt(conv, seq), FORWARDER_CLOCK, `seq ${seq}`)
    assert.deepEqual(f.forwarder.stats, { answered: 0, no_writer: 0, unanswered: 0 })
    await w.stop()
  })

  test('once another process wins an append on a conversation, its commands go to the writing process, answered as it answered', async () => {
    const w = await writer()
    const f = await forwarding()
    const conv = 'g_fw_owner'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    assert.equal(await contend(f, conv), 4)
    assert.equal(await decidedAt(conv, 4), FORWARDER_CLOCK, 'the race itself was still decided here')
    const sent = await accepted(f.handler, text('m1', conv, 'bob'))
    assert.equal(sent.seq, 5)
    assert.equal(sent.event?.cmd, 'm1', 'the answer carries the event')
    assert.equal(await decidedAt(conv, 5), WRITER_CLOCK)
    // A retry through either process is the same command: answered with its seq, nothing appended.
    const again = await accepted(f.handler, text('m1', conv, 'bob'))
    assert.deepEqual([again.seq, again.duplicate], [5, true])
    assert.deepEqual([(await accepted(w.handler, text('m1', conv, 'bob'))).seq, (await readAll(t.log, conv)).length], [5, 5])
    assert.deepEqual(f.forwarder.stats, { answered: 2, no_writer: 0, unanswered: 0 })
    // Another conversation of this process is not affected.
    await createGroup(f.handler, 'g_fw_owner_other', 'alice', ['bob'])
    assert.equal(await decidedAt('g_fw_owner_other', 1), FORWARDER_CLOCK)
    await w.stop()
  })

  test("a command arriving while the conversation's commands still queue here stays here, behind them: a client's sends keep their order", async () => {
    const w = await writer()
    const f = await forwarding()
    const conv = 'g_fw_order'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    await contend(f, conv)
    // The first is queued here (as a command sent before the race was lost would be); the second arrives behind it.
    const first = f.handler.handleHere(await validated(text('o1', conv, 'bob')))
    const second = f.handler.execute(text('o2', conv, 'bob'))
    const [a, b] = await Promise.all([first, second])
    assert.ok(a.ok && b.ok && b.seq === a.seq + 1, JSON.stringify([a, b]))
    assert.equal(await decidedAt(conv, b.ok ? b.seq : 0), FORWARDER_CLOCK, 'not forwarded past the one queued here')
    assert.equal(f.forwarder.stats.answered, 0)
    await w.stop()
  })

  test("a refusal comes back as the writer's refusal, and nothing is appended", async () => {
    const w = await writer()
    const f = await forwarding()
    const conv = 'g_fw_refused'
    await createGroup(w.handler, conv, 'alice', ['bob'])
    await contend(f, conv)
    const r = await f.handler.execute(text('stranger-1', conv, 'mallory'))
    assert.equal(r.ok, false)
    assert.equal(!r.ok && r.reason, 'refused')
    assert.equal(!r.ok && r.reason === 'refused' && r.refusal.code, 'NOT_MEMBER')
    assert.equal((await readAll(t.log, conv)).length, 4)
    assert.equal(f.forwarder.stats.answered, 1)
    await w.stop()
  })

  test('with no process writing the partition, the forwarding process handles the command itself', async () => {
    const f = await forwarding()
    const conv = 'g_fw_nobody'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    await contend(f, conv)
    assert.equal((await accepted(f.handler, text('m1', conv, 'bob'))).seq, 5)
    assert.equal(await decidedAt(conv, 5), FORWARDER_CLOCK)
    assert.deepEqual(f.forwarder.stats, { answered: 0, no_writer: 1, unanswered: 0 })
  })

  test('a writer that stopped (its process gone) is not waited for: the next command is handled here at once', async () => {
    const w = await writer()
    const f = await forwarding(60_000)
    const conv = 'g_fw_gone'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    await contend(f, conv)
    assert.equal((await accepted(f.handler, text('m1', conv, 'bob'))).seq, 5)
    assert.equal(await decidedAt(conv, 5), WRITER_CLOCK)
    await w.nc.close()
    // The client's close is done before the server drops its subscriptions: a command sent in between
    // reaches a writer that is gone, which is the unanswered case (next test), not this one.
    await writerGone(f.nc, `${WRITES_SUBJECT}.${f.log.partitionOf(conv)}`)
    const began = Date.now()
    assert.equal((await accepted(f.handler, text('m2', conv, 'bob'))).seq, 6)
    assert.equal(await decidedAt(conv, 6), FORWARDER_CLOCK)
    assert.ok(Date.now() - began < 30_000, 'not held for the forward timeout')
  })

  test('a writer that takes the command and never answers is waited for up to the timeout, then the command is handled here', async () => {
    const f = await forwarding(300)
    const conv = 'g_fw_silent'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    await contend(f, conv)
    const silent = await process(WRITER_CLOCK)
    const taken: string[] = []
    const sub = silent.nc.subscribe(`${WRITES_SUBJECT}.*`, {
      queue: 'seqline-writers',
      callback: (_err, msg) => {
        taken.push(msg.subject)
      },
    })
    answering.push(() => sub.unsubscribe())
    await silent.nc.flush()
    assert.equal((await accepted(f.handler, text('m1', conv, 'bob'))).seq, 5)
    assert.equal(await decidedAt(conv, 5), FORWARDER_CLOCK)
    assert.deepEqual(taken, [`${WRITES_SUBJECT}.${f.log.partitionOf(conv)}`], 'the silent writer was asked first')
    assert.equal(f.forwarder.stats.unanswered, 1)
  })

  test("after a writer left a command unanswered, its partition's commands are handled here for a while, without asking it again", async () => {
    const quiet: number[] = []
    const f = await forwarding(300, (partition) => quiet.push(partition))
    const conv = 'g_fw_quiet'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    await contend(f, conv)
    const silent = await process(WRITER_CLOCK)
    let taken = 0
    const sub = silent.nc.subscribe(`${WRITES_SUBJECT}.*`, {
      queue: 'seqline-writers',
      callback: () => {
        taken++
      },
    })
    answering.push(() => sub.unsubscribe())
    await silent.nc.flush()
    await accepted(f.handler, text('q1', conv, 'bob'))
    const began = Date.now()
    const second = await accepted(f.handler, text('q2', conv, 'bob'))
    assert.equal(await decidedAt(conv, second.seq), FORWARDER_CLOCK)
    assert.equal(taken, 1, 'the silent writer was asked once')
    assert.ok(Date.now() - began < 300, 'the second command did not wait for the timeout')
    assert.deepEqual(quiet, [f.log.partitionOf(conv)])
    assert.deepEqual(f.forwarder.stats, { answered: 0, no_writer: 0, unanswered: 1 })
  })

  test('a writer validates what it takes, and drops a command whose sender has stopped waiting, appending nothing', async () => {
    const w = await writer()
    const conv = 'g_fw_checked'
    await createGroup(w.handler, conv, 'alice', ['bob'])
    const subject = `${WRITES_SUBJECT}.${w.log.partitionOf(conv)}`
    const ask = async (body: string) => JSON.parse(new TextDecoder().decode((await t.nc.request(subject, body, { timeout: 5_000 })).data))
    const malformed = await ask(JSON.stringify({ command: { type: 'message.send', id: 'x1', conv, actor: 'bob', data: {} }, waitMs: 5_000 }))
    assert.equal(malformed.result.ok, false)
    assert.equal(malformed.result.reason, 'invalid')
    assert.ok(
      malformed.result.errors.some((e: { field: string }) => e.field.includes('content')),
      JSON.stringify(malformed.result.errors),
    )
    assert.equal((await ask('not json')).error.kind, 'failed')
    const late = await ask(JSON.stringify({ command: text('x2', conv, 'bob'), waitMs: 0 }))
    assert.equal(late.error.kind, 'abandoned')
    assert.equal((await readAll(t.log, conv)).length, 1, 'nothing appended')
    const timely = await ask(JSON.stringify({ command: text('x3', conv, 'bob'), waitMs: 5_000 }))
    assert.deepEqual([timely.result.ok, timely.result.seq], [true, 2])
    await w.stop()
  })

  test('a before-hook refusing a command already stored (asked again on a stale state) is answered with the stored seq', async () => {
    const { nc, log } = await openLog(t.nats.url)
    t.defer(async () => {
      log.close()
      await nc.close()
    })
    const asked: string[] = []
    const refuse = {
      name: 'refuse-all',
      ask: async (command: { id: string }) => {
        asked.push(command.id)
        return { action: 'reject' as const, hook: 'refuse-all', code: 'NO', message: 'no' }
      },
    }
    const hooked = new CommandHandler(log, createDecider(), { hooks: { for: (type) => (type === 'message.send' ? [refuse] : []) } })
    const conv = 'g_fw_hooked'
    await createGroup(hooked, conv, 'alice', ['bob'])
    // Stored by another process while this one's cached state stayed at seq 1.
    assert.equal((await accepted(t.handler, text('h1', conv, 'bob'))).seq, 2)
    const r = await hooked.execute(text('h1', conv, 'bob'))
    assert.deepEqual(r, { ok: true, seq: 2, duplicate: true, ...(r.ok && r.event ? { event: r.event } : {}) })
    assert.deepEqual(asked, ['h1'])
    // A command not stored is still refused.
    const fresh = await hooked.execute(text('h2', conv, 'bob'))
    assert.equal(!fresh.ok && fresh.reason, 'hooked')
  })

  test('errors the writer throws are thrown here as the same kind, so the API answers them the same', async () => {
    const f = await forwarding()
    const conv = 'g_fw_errors'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    await contend(f, conv)
    const odd = await process(WRITER_CLOCK)
    const answers = [{ error: { kind: 'unavailable', message: 'the log is away' } }, { error: { kind: 'contention', message: 'others kept winning' } }]
    const sub = odd.nc.subscribe(`${WRITES_SUBJECT}.*`, {
      queue: 'seqline-writers',
      callback: (_err, msg) => {
        msg.respond(JSON.stringify(answers.shift()))
      },
    })
    answering.push(() => sub.unsubscribe())
    await odd.nc.flush()
    await assert.rejects(f.handler.execute(text('e1', conv, 'bob')), (err) => err instanceof LogUnavailableError && /the log is away/.test(err.message))
    await assert.rejects(f.handler.execute(text('e2', conv, 'bob')), (err) => err instanceof ContentionError)
  })

  test('two processes sharing the writes by partition leases: each partition is written by one of them, and by the other once it leaves', async () => {
    const conv = (p: number) => {
      for (let i = 0; ; i++) if (t.log.partitionOf(`g_fw_share_${p}_${i}`) === p) return `g_fw_share_${p}_${i}`
    }
    const a = await process(WRITER_CLOCK)
    const b = await process(FORWARDER_CLOCK)
    const shares = async (side: typeof a) => {
      const s = await PartitionShares.open(side.nc, 'writers-test', TEST_PARTITIONS, async (p) => new PartitionWriter(side.nc, side.handler, p), {
        ttlMs: 3_000,
        checkMs: 100,
        leasesBucket: 'fw_test_leases',
      })
      const forwarder = new WriteForwarder(side.nc, (c, ab) => side.handler.handleHere(c, ab), {
        writesHere: (p) => s.runsHere(p),
        partitionOf: (c) => side.log.partitionOf(c),
      })
      side.handler.forwardTo(forwarder)
      t.defer(() => forwarder.close())
      // Stopped even when an assertion fails first: a share left running would keep the suite from ending.
      answering.push(() => s.stop())
      await s.start()
      return s
    }
    const sa = await shares(a)
    const sb = await shares(b)
    await until(() => (sa.running.length === 2 && sb.running.length === 2 ? true : undefined), {
      timeoutMs: 20_000,
      everyMs: 50,
      timedOut: () => new Error(`shares never split: a ${sa.running}, b ${sb.running}`),
    })
    for (const p of partitions) {
      const c = conv(p)
      const [owner, other] = sa.runsHere(p) ? [a, b] : [b, a]
      await createGroup(owner.handler, c, 'alice', ['bob'])
      // Both write c: the one that does not write p loses a race, and from then on sends c's commands to the one that does.
      await contend(other, c)
      const sent = await accepted(other.handler, text(`after-race-${p}`, c, 'bob'))
      assert.equal(await decidedAt(c, sent.seq), sa.runsHere(p) ? WRITER_CLOCK : FORWARDER_CLOCK, `partition ${p}`)
    }
    await sa.stop()
    await until(() => (sb.running.length === TEST_PARTITIONS ? true : undefined), {
      timeoutMs: 20_000,
      everyMs: 50,
      timedOut: () => new Error(`b never took every partition: ${sb.running}`),
    })
    for (const p of partitions) {
      await contend(a, conv(p))
      const sent = await accepted(a.handler, text(`after-${p}`, conv(p), 'bob'))
      assert.equal(await decidedAt(conv(p), sent.seq), FORWARDER_CLOCK, `partition ${p} is written by b alone`)
    }
    await sb.stop()
  })
})

/** Until nats-server says nothing listens on `subject` any more. */
async function writerGone(nc: NatsConnection, subject: string): Promise<void> {
  await until(
    async () => {
      try {
        await nc.request(subject, new Uint8Array(0), { timeout: 1000 })
        return undefined
      } catch (err) {
        return err instanceof errors.RequestError && err.isNoResponders() ? true : undefined
      }
    },
    { timeoutMs: 10_000, everyMs: 50, timedOut: () => new Error(`${subject}: the stopped writer's subscription stayed on the server`) },
  )
}
