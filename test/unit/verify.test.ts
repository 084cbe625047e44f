import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { verifyConversation } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'

const msg = (seq: number) =>
  ({
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    type: 'message.sent',
    conv: 'g_a',
    seq,
    at: seq,
    actor: 'ann',
    v: 1,
    cmd: `c${seq}`,
    data: { content: { type: 'text', text: 'x' } },
  }) as SeqlineEvent
const burned = (seq: number, target: number, edits?: number[]) =>
  ({ ...msg(seq), type: 'message.burned', actor: '@system', data: edits ? { target, edits } : { target } }) as SeqlineEvent

describe('verifying seq continuity', () => {
  test('a dense log passes', () => {
    const v = verifyConversation('g_a', 3, [msg(1), msg(2), msg(3)])
    assert.deepEqual([v.ok, v.gaps, v.erased], [true, [], []])
  })

  test('holes named by a tombstone are erasures, not gaps', () => {
    const v = verifyConversation('g_a', 5, [msg(1), msg(4), burned(5, 2, [3])])
    assert.deepEqual([v.ok, v.erased, v.gaps, v.tombstones], [true, [2, 3], [], [{ seq: 5, how: 'burned', target: 2, edits: [3] }]])
  })

  test('holes named by a recall with erase are erasures; a plain recall explains none', () => {
    const recalled = (seq: number, target: number, erase: boolean, edits?: number[]) =>
      ({ ...msg(seq), type: 'message.recalled', data: edits ? { target, erase, edits } : { target, erase } }) as SeqlineEvent
    const v = verifyConversation('g_a', 6, [msg(1), msg(4), recalled(5, 2, true, [3])])
    assert.deepEqual([v.ok, v.erased, v.gaps], [false, [2, 3], [6]])
    assert.deepEqual(v.tombstones, [{ seq: 5, how: 'recalled', target: 2, edits: [3] }])
    const plain = verifyConversation('g_a', 4, [msg(1), msg(3), recalled(4, 2, false)])
    assert.deepEqual([plain.ok, plain.gaps], [false, [2]])
  })

  test('a hole nothing explains is a gap, and so is a missing tail', () => {
    const v = verifyConversation('g_a', 6, [msg(1), msg(3), msg(4)])
    assert.deepEqual([v.ok, v.gaps], [false, [2, 5, 6]])
  })

  test('a tombstone whose data lacks its targets is a problem at its seq, not a crash', () => {
    const broken = { ...msg(3), type: 'content.erased', data: {} } as unknown as SeqlineEvent
    const v = verifyConversation('g_a', 3, [msg(1), msg(2), broken])
    assert.equal(v.ok, false)
    assert.equal(v.firstBad?.seq, 3)
    assert.match(v.firstBad?.reason ?? '', /content.erased whose data names no erased seqs/)
  })

  test('a repeated or backward seq is disorder', () => {
    const v = verifyConversation('g_a', 3, [msg(1), msg(2), msg(2), msg(3)])
    assert.deepEqual([v.ok, v.disorder], [false, [2]])
  })
})
