import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { describeReport, type ProofReport, runDeliveryProof } from '../proof/delivery-proof.js'

/** SEQLINE_PROOF_SEED replays a run (the seed fixes the topology, every client's choices and the kill schedule; timing still varies). */
const seedOf = () => Number(process.env.SEQLINE_PROOF_SEED ?? Date.now() % 2 ** 31)

function assertProof(r: ProofReport, sends: number) {
  assert.deepEqual(r.problems, [], `seed ${r.seed}: the checker found problems`)
  assert.equal(r.sends, sends)
  assert.equal(r.failed, 0, `seed ${r.seed}: every send was acked or refused in the end`)
  assert.equal(r.acked + r.refused, sends)
  assert.ok(r.refused > 0, 'some sends were refused (to groups the sender is not in), so that check is not vacuous')
  assert.ok(r.flips >= r.clients, 'clients went offline and online again')
}

describe('delivery proof: every acked message in the log once and delivered to every member once, in order', () => {
  test('50 clients, 10,000 messages, 4 in flight each, random offline/online flips', { timeout: 150_000 }, async (ctx) => {
    const seed = seedOf()
    ctx.diagnostic(`seed ${seed} (SEQLINE_PROOF_SEED replays it)`)
    const r = await runDeliveryProof({ clients: 50, messages: 10_000, inflight: 4, seed, flips: 3, say: (l) => ctx.diagnostic(l) })
    for (const line of describeReport(r).split('\n')) ctx.diagnostic(line)
    assertProof(r, 10_000)
  })

  test('chaos: the same while both Seqline processes and nats-server are SIGKILLed twice each', { timeout: 240_000 }, async (ctx) => {
    const seed = seedOf()
    ctx.diagnostic(`seed ${seed} (SEQLINE_PROOF_SEED replays it)`)
    const r = await runDeliveryProof({ clients: 50, messages: 6_000, inflight: 4, seed, flips: 3, chaos: true, kills: 2, say: (l) => ctx.diagnostic(l) })
    for (const line of describeReport(r).split('\n')) ctx.diagnostic(line)
    assertProof(r, 6_000)
    // The last kills can miss when sending finishes first; the first of each kind is planned before 60% of the sends.
    assert.ok(
      r.kills.api >= 1 && r.kills.projection >= 1 && r.kills.nats >= 1,
      `each kind of process was killed while sends were in flight: ${JSON.stringify(r.kills)}`,
    )
    assert.ok(r.retries > 0, 'the kills interrupted sends that were then retried')
  })

  test("chaos, with live delivery by interest: the same kills while each process subscribes to its sockets' conversations only", {
    timeout: 240_000,
  }, async (ctx) => {
    const seed = seedOf()
    ctx.diagnostic(`seed ${seed} (SEQLINE_PROOF_SEED replays it)`)
    const r = await runDeliveryProof({
      clients: 50,
      messages: 4_000,
      inflight: 4,
      seed,
      flips: 3,
      chaos: true,
      kills: 2,
      live: 'interest',
      say: (l) => ctx.diagnostic(l),
    })
    for (const line of describeReport(r).split('\n')) ctx.diagnostic(line)
    assertProof(r, 4_000)
    assert.ok(
      r.kills.api >= 1 && r.kills.projection >= 1 && r.kills.nats >= 1,
      `each kind of process was killed while sends were in flight: ${JSON.stringify(r.kills)}`,
    )
  })
})
