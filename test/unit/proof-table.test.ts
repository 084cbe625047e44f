import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ProofReport } from '../proof/delivery-proof.js'
import { type ProofSummary, proofTable } from '../proof/proof-table.js'

const machine = { cores: 2, cpu: 'test cpu', memoryGiB: 24, node: 'v20' }
const all = () => true

function report(over: Partial<ProofReport> = {}): ProofReport {
  return {
    seed: 1,
    clients: 50,
    conversations: 100,
    groups: 10,
    sends: 1000,
    acked: 980,
    duplicateAcks: 0,
    refused: 20,
    failed: 0,
    retries: 3,
    events: 1080,
    deliveries: 3600,
    kills: { api: 0, projection: 0, nats: 0 },
    flips: 150,
    reconnects: 0,
    durationMs: 5000,
    sendPhaseMs: 4000,
    ackMs: { p50: 5, p99: 40, p999: 90, max: 120 },
    attemptAckMs: { p50: 4, p99: 30, p999: 80, max: 110 },
    slowest: [],
    timeline: [],
    killLog: [],
    problems: [],
    ...over,
  }
}

const summary = (over: Partial<ProofSummary>): ProofSummary => ({ at: '2026-11-23T06:00:00.000Z', size: 'small', command: 'npm run proof', machine, ...over })

test('a clean delivery and chaos run with passing fuzz is ok, and the table names the figures', () => {
  const chaos = report({ kills: { api: 2, projection: 2, nats: 1 } })
  const { markdown, ok } = proofTable(summary({ delivery: report(), chaos, fuzz: { ok: true, tests: 9, pass: 9, fail: 0, seconds: 30 } }), {
    want: (p) => p !== 'ws',
    wsFailed: false,
  })
  assert.equal(ok, true)
  assert.match(markdown, /2 cores \(test cpu\)/)
  assert.match(markdown, /5 SIGKILLs \(API 2, projection 2, nats-server 1\)/)
  assert.match(markdown, /250 sends\/s/)
  assert.match(markdown, /ack p99 40 ms with offline waits, 30 ms from the acked attempt/)
  assert.match(markdown, /9 of 9 properties passed/)
})

test('a problem found, a failed send, failed fuzzing or a part that did not report makes the run fail', () => {
  const fuzz = { ok: true, tests: 1, pass: 1, fail: 0, seconds: 1 }
  assert.equal(
    proofTable(summary({ delivery: report({ problems: ['p0001 missed g_1 seq 4'] }), chaos: report(), fuzz }), { want: all, wsFailed: false }).ok,
    false,
  )
  assert.equal(proofTable(summary({ delivery: report({ failed: 1 }), chaos: report(), fuzz }), { want: all, wsFailed: false }).ok, false)
  assert.equal(proofTable(summary({ delivery: report(), chaos: report(), fuzz: { ...fuzz, ok: false, fail: 1 } }), { want: all, wsFailed: false }).ok, false)
  assert.equal(proofTable(summary({ delivery: report(), fuzz }), { want: all, wsFailed: false }).ok, false, 'chaos was wanted and did not report')
  assert.equal(proofTable(summary({ delivery: report(), chaos: report(), fuzz }), { want: all, wsFailed: true }).ok, false)
})
