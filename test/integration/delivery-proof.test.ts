import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { describeReport, runDeliveryProof, type ProofReport } from '../../ops/bench/delivery-proof.js'

/** SEQLINE_PROOF_SEED replays a run (the seed fixes the topology, every client's choices and the kill schedule; timing still varies). */
const seedOf = () => Number(process.env['SEQLINE_PROOF_SEED'] ?? Date.now() % 2 ** 31)

function assertProof(r: ProofReport, sends: number) {
  assert.deepEqual(r.problems, [], `seed ${r.seed}: the checker found problems`)
  assert.equal(r.sends, sends)
  assert.equal(r.failed, 0, `seed ${r.seed}: every send was acked or refused in the end`)
  assert.equal(r.acked + r.refused, sends)
  assert.ok(r.refused > 0, 'some sends were refused (to groups the sender is not in), so that check is not vacuous')
  assert.ok(r.flips >= r.clients, 'clients went offline and online again')
}

// The chaos run (SIGKILLs of both Seqline processes and nats-server) is not in the suite yet: it found
// failed projection runners left stopped under their lease (fixed in LeasedRunner and RestartingRunner)
// and joins once it has more clean runs behind it. Run it with
// `node dist/ops/bench/delivery-proof-main.js --clients 50 --messages 2500 --chaos`.
describe('delivery proof: every acked message in the log once and delivered to every member once, in order', () => {
  test('50 clients, 4,000 messages, random offline/online flips', { timeout: 120_000 }, async (ctx) => {
    const seed = seedOf()
    ctx.diagnostic(`seed ${seed} (SEQLINE_PROOF_SEED replays it)`)
    const r = await runDeliveryProof({ clients: 50, messages: 4000, seed, flips: 3, say: (l) => ctx.diagnostic(l) })
    for (const line of describeReport(r).split('\n')) ctx.diagnostic(line)
    assertProof(r, 4000)
  })
})
