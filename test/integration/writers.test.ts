import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { StoredEvent } from '../../core/log/index.js'
import { createGroup, range, readAll, seqsAndDuplicates, withLogServer } from '../helpers/log.js'
import { type Ack, startWriter } from '../helpers/writer-process.js'

describe('writer processes and crashes against a real nats-server', () => {
  const t = withLogServer()

  test('two writer processes appending to the same conversations produce dense seqs, no duplicate', async () => {
    const convs = ['g_two1', 'g_two2', 'g_two3', 'g_two4']
    for (const c of convs) await createGroup(t.handler, c, 'alice', ['bob'])
    const a = startWriter(t.nats.url, 'alice', convs, 0, 150)
    const b = startWriter(t.nats.url, 'bob', convs, 0, 150)
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0])
    for (const c of convs) {
      const stored = await readAll(t.log, c)
      const { seqs, duplicates } = seqsAndDuplicates(stored)
      assert.deepEqual(seqs, range(1, 301), c)
      assert.deepEqual(duplicates, [], c)
      assertAcksStored(
        [...a.acks, ...b.acks].filter((k) => k.conv === c),
        stored,
      )
    }
  })

  test('SIGKILL of a writer mid-run, then a restart that retries its last commands: no gap, no duplicate', async () => {
    const convs = ['g_kill1', 'g_kill2', 'g_kill3']
    for (const c of convs) await createGroup(t.handler, c, 'alice', ['bob'])
    const steady = startWriter(t.nats.url, 'bob', convs, 0, 200)
    const victim = startWriter(t.nats.url, 'alice', convs, 0, 200)
    await victim.acked(150)
    victim.child.kill('SIGKILL')
    assert.equal(await victim.exited, null)
    // The restarted writer resumes 20 commands before the lowest acked position: those are retries.
    const resumeAt = Math.max(0, lowestProgress(victim.acks, convs) - 20)
    const revived = startWriter(t.nats.url, 'alice', convs, resumeAt, 200)
    assert.deepEqual(await Promise.all([steady.exited, revived.exited]), [0, 0])
    const acks = [...victim.acks, ...revived.acks, ...steady.acks]
    for (const c of convs) {
      const stored = await readAll(t.log, c)
      const { seqs, duplicates } = seqsAndDuplicates(stored)
      assert.deepEqual(seqs, range(1, 401), c)
      assert.deepEqual(duplicates, [], c)
      assertAcksStored(
        acks.filter((k) => k.conv === c),
        stored,
      )
    }
    assert.ok(
      revived.acks.some((k) => k.duplicate),
      'the retried commands were answered as duplicates',
    )
  })

  test('t.nats-server killed and restarted mid-run loses no acknowledged event', async () => {
    const convs = ['g_srv1', 'g_srv2']
    for (const c of convs) await createGroup(t.handler, c, 'alice', ['bob'])
    const writer = startWriter(t.nats.url, 'bob', convs, 0, 300)
    await writer.acked(100)
    assert.ok(writer.acks.length < 600, 'the server goes down while the writer is still sending')
    await t.nats.kill()
    await t.nats.restart()
    assert.equal(await writer.exited, 0)
    for (const c of convs) {
      const stored = await readAll(t.log, c)
      const { seqs, duplicates } = seqsAndDuplicates(stored)
      assert.deepEqual(seqs, range(1, 301), c)
      assert.deepEqual(duplicates, [], c)
      assertAcksStored(
        writer.acks.filter((k) => k.conv === c),
        stored,
      )
    }
  })
})

/** Every acknowledgement names an event the log holds at that seq, written by that command. */
function assertAcksStored(acks: Ack[], stored: StoredEvent[]) {
  const bySeq = new Map(stored.map((s) => [s.event.seq, s.event]))
  for (const ack of acks) {
    const event = bySeq.get(ack.seq)
    assert.ok(event, `acked ${ack.conv}#${ack.seq} is missing`)
    assert.equal(event.cmd, ack.id, `acked ${ack.conv}#${ack.seq} holds ${event.cmd}, not ${ack.id}`)
  }
}

/** The smallest per-conversation command index the writer had acknowledged. */
function lowestProgress(acks: Ack[], convs: string[]): number {
  return Math.min(...convs.map((c) => acks.filter((k) => k.conv === c).length))
}
