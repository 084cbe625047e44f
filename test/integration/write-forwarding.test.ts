import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CommandHandler, ContentionError, PartitionWriter, WRITES_SUBJECT, WriteForwarder } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { LogUnavailableError } from '../../core/log/index.js'
import { until } from '../../core/until.js'
import { PartitionShares } from '../../projections/runtime/index.js'
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
    t.defer(stop)
    return { ...w, stop }
  }

  /** A process that writes no partition itself: it forwards everything. */
  async function forwarding(timeoutMs?: number) {
    const f = await process(FORWARDER_CLOCK)
    const forwarder = new WriteForwarder(f.nc, (command, abandoned) => f.handler.handleHere(command, abandoned), {
      writesHere: () => false,
      partitionOf: (conv) => f.log.partitionOf(conv),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    })
    f.handler.forwardTo(forwarder)
    t.defer(() => forwarder.close())
    return f
  }

  async function decidedAt(conv: string, seq: number): Promise<number> {
    const stored = (await readAll(t.log, conv)).find((s) => s.event.seq === seq)
    assert.ok(stored, `${conv}#${seq} is stored`)
    return stored.event.at
  }

  test('a command sent through a forwarding process is decided by the writing one and answered as it answered', async () => {
    const w = await writer()
    const f = await forwarding()
    const conv = 'g_fw_owner'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    const sent = await accepted(f.handler, text('m1', conv, 'bob'))
    assert.equal(sent.seq, 2)
    assert.equal(sent.event?.cmd, 'm1', 'the answer carries the event')
    assert.equal(await decidedAt(conv, 1), WRITER_CLOCK)
    assert.equal(await decidedAt(conv, 2), WRITER_CLOCK)
    // A retry through either process is the same command: answered with its seq, nothing appended.
    const again = await accepted(f.handler, text('m1', conv, 'bob'))
    assert.deepEqual([again.seq, again.duplicate], [2, true])
    assert.deepEqual([(await accepted(w.handler, text('m1', conv, 'bob'))).seq, (await readAll(t.log, conv)).length], [2, 2])
    await w.stop()
  })

  test("a refusal comes back as the writer's refusal, and nothing is appended", async () => {
    const w = await writer()
    const f = await forwarding()
    const conv = 'g_fw_refused'
    await createGroup(w.handler, conv, 'alice', ['bob'])
    const r = await f.handler.execute(text('stranger-1', conv, 'mallory'))
    assert.equal(r.ok, false)
    assert.equal(!r.ok && r.reason, 'refused')
    assert.equal(!r.ok && r.reason === 'refused' && r.refusal.code, 'NOT_MEMBER')
    assert.equal((await readAll(t.log, conv)).length, 1)
    await w.stop()
  })

  test('with no process writing the partition, the forwarding process handles the command itself', async () => {
    const f = await forwarding()
    const conv = 'g_fw_nobody'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    assert.equal((await accepted(f.handler, text('m1', conv, 'bob'))).seq, 2)
    assert.equal(await decidedAt(conv, 2), FORWARDER_CLOCK)
  })

  test('a writer that stopped (its process gone) is not waited for: the next command is handled here at once', async () => {
    const w = await writer()
    const f = await forwarding(60_000)
    const conv = 'g_fw_gone'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    assert.equal(await decidedAt(conv, 1), WRITER_CLOCK)
    await w.nc.close()
    const began = Date.now()
    assert.equal((await accepted(f.handler, text('m1', conv, 'bob'))).seq, 2)
    assert.equal(await decidedAt(conv, 2), FORWARDER_CLOCK)
    assert.ok(Date.now() - began < 30_000, 'not held for the forward timeout')
  })

  test('a writer that takes the command and never answers is waited for up to the timeout, then the command is handled here', async () => {
    const f = await forwarding(300)
    const conv = 'g_fw_silent'
    await createGroup(f.handler, conv, 'alice', ['bob'])
    const silent = await process(WRITER_CLOCK)
    const taken: string[] = []
    const sub = silent.nc.subscribe(`${WRITES_SUBJECT}.*`, {
      queue: 'seqline-writers',
      callback: (_err, msg) => {
        taken.push(msg.subject)
      },
    })
    await silent.nc.flush()
    assert.equal((await accepted(f.handler, text('m1', conv, 'bob'))).seq, 2)
    assert.equal(await decidedAt(conv, 2), FORWARDER_CLOCK)
    assert.deepEqual(taken, [`${WRITES_SUBJECT}.${f.log.partitionOf(conv)}`], 'the silent writer was asked first')
    sub.unsubscribe()
  })

  test('errors the writer throws are thrown here as the same kind, so the API answers them the same', async () => {
    const f = await forwarding()
    const odd = await process(WRITER_CLOCK)
    const answers = [{ error: { kind: 'unavailable', message: 'the log is away' } }, { error: { kind: 'contention', message: 'others kept winning' } }]
    const sub = odd.nc.subscribe(`${WRITES_SUBJECT}.*`, {
      queue: 'seqline-writers',
      callback: (_err, msg) => {
        msg.respond(JSON.stringify(answers.shift()))
      },
    })
    await odd.nc.flush()
    await assert.rejects(
      f.handler.execute(text('e1', 'g_fw_errors', 'bob')),
      (err) => err instanceof LogUnavailableError && /the log is away/.test(err.message),
    )
    await assert.rejects(f.handler.execute(text('e2', 'g_fw_errors', 'bob')), (err) => err instanceof ContentionError)
    sub.unsubscribe()
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
      side.handler.forwardTo(
        new WriteForwarder(side.nc, (c, ab) => side.handler.handleHere(c, ab), {
          writesHere: (p) => s.runsHere(p),
          partitionOf: (c) => side.log.partitionOf(c),
        }),
      )
      // Stopped even when an assertion fails first: a share left running would keep the suite from ending.
      t.defer(() => s.stop())
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
      // Sent through the process that does not write p: decided by the one that does.
      const other = sa.runsHere(p) ? b : a
      await createGroup(other.handler, c, 'alice', ['bob'])
      assert.equal(await decidedAt(c, 1), sa.runsHere(p) ? WRITER_CLOCK : FORWARDER_CLOCK, `partition ${p}`)
    }
    await sa.stop()
    await until(() => (sb.running.length === TEST_PARTITIONS ? true : undefined), {
      timeoutMs: 20_000,
      everyMs: 50,
      timedOut: () => new Error(`b never took every partition: ${sb.running}`),
    })
    for (const p of partitions) {
      assert.equal((await accepted(a.handler, text(`after-${p}`, conv(p), 'bob'))).seq, 2)
      assert.equal(await decidedAt(conv(p), 2), FORWARDER_CLOCK, `partition ${p} is written by b alone`)
    }
    await sb.stop()
  })
})
