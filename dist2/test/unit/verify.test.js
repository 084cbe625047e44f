import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyConversation } from '../../core/log/verify.js';
const msg = (seq) => ({ id: 'AAAAAAAAAAAAAAAAAAAAAA', type: 'message.sent', conv: 'g_a', seq, at: seq, actor: 'ann', v: 1, cmd: `c${seq}`, data: { content: { type: 'text', text: 'x' } } });
const burned = (seq, target, edits) => ({ ...msg(seq), type: 'message.burned', actor: '@system', data: edits ? { target, edits } : { target } });
describe('verifying seq continuity', () => {
    test('a dense log passes', () => {
        const v = verifyConversation('g_a', 3, [msg(1), msg(2), msg(3)]);
        assert.deepEqual([v.ok, v.gaps, v.erased], [true, [], []]);
    });
    test('holes named by a tombstone are erasures, not gaps', () => {
        const v = verifyConversation('g_a', 5, [msg(1), msg(4), burned(5, 2, [3])]);
        assert.deepEqual([v.ok, v.erased, v.gaps, v.tombstones], [true, [2, 3], [], [{ seq: 5, target: 2, edits: [3] }]]);
    });
    test('a hole nothing explains is a gap, and so is a missing tail', () => {
        const v = verifyConversation('g_a', 6, [msg(1), msg(3), msg(4)]);
        assert.deepEqual([v.ok, v.gaps], [false, [2, 5, 6]]);
    });
    test('a repeated or backward seq is disorder', () => {
        const v = verifyConversation('g_a', 3, [msg(1), msg(2), msg(2), msg(3)]);
        assert.deepEqual([v.ok, v.disorder], [false, [2]]);
    });
});
//# sourceMappingURL=verify.test.js.map