import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { test } from 'node:test'
import { signatureHeaders, verifySignature } from '../../integrations/outbound/index.js'

const secret = 'whsec_test'
const body = '{"events":[{"seq":1}]}'
const now = Date.UTC(2026, 11, 2, 12, 0, 0)

test('the signature is the HMAC-SHA256 of "<t>.<body>" with the secret, as documented', () => {
  const h = signatureHeaders(secret, body, { now, delivery: 'd1' })
  const t = Math.floor(now / 1000)
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
  assert.equal(h['seqline-signature'], `t=${t},v1=${expected}`)
  assert.equal(h['seqline-delivery'], 'd1')
})

test('a receiver accepts the untouched body and refuses a changed body, another secret, a stale or a malformed header', () => {
  const sig = signatureHeaders(secret, body, { now })['seqline-signature']
  assert.deepEqual(verifySignature(secret, sig, body, now + 1000), { ok: true, t: Math.floor(now / 1000) })
  assert.deepEqual(verifySignature(secret, sig, body.replace('1', '2'), now), { ok: false, reason: 'mismatch' })
  assert.deepEqual(verifySignature('other', sig, body, now), { ok: false, reason: 'mismatch' })
  assert.deepEqual(verifySignature(secret, sig, body, now + 301_000), { ok: false, reason: 'stale' })
  assert.deepEqual(verifySignature(secret, undefined, body, now), { ok: false, reason: 'missing' })
  assert.deepEqual(verifySignature(secret, 't=abc,v1=00', body, now), { ok: false, reason: 'malformed' })
})

test('each delivery gets its own id unless a retry passes the first one again', () => {
  assert.notEqual(signatureHeaders(secret, body)['seqline-delivery'], signatureHeaders(secret, body)['seqline-delivery'])
})
