import assert from 'node:assert/strict';
import { test } from 'node:test';
import { denseSeqAtRisk } from '../../ops/nats-compat.js';
test('replicated streams on nats-server before 2.9.21 put dense seqs at risk; R1 and newer servers do not', () => {
    assert.equal(denseSeqAtRisk('2.9.10', 3), true);
    assert.equal(denseSeqAtRisk('2.9.20', 3), true);
    assert.equal(denseSeqAtRisk('2.9.21', 3), false);
    assert.equal(denseSeqAtRisk('2.10.0', 3), false);
    assert.equal(denseSeqAtRisk('2.12.1-beta', 3), false);
    assert.equal(denseSeqAtRisk('2.8.4', 3), true);
    assert.equal(denseSeqAtRisk('2.9.10', 1), false);
});
//# sourceMappingURL=nats-compat.test.js.map