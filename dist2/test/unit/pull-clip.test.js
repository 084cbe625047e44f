import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clip } from '../../api/pull.js';
describe('clipping a range query to what the caller may see', () => {
    const forward = (from, limit) => ({ from, limit, direction: 'forward' });
    const backward = (from, limit) => ({ from, limit, direction: 'backward' });
    test('forward pages stop at the visible head', () => {
        assert.deepEqual(clip(forward(1, 3), 9), [1, 3]);
        assert.deepEqual(clip(forward(8, 100), 9), [8, 9]);
        assert.equal(clip(forward(10, 5), 9), null);
    });
    test('backward pages end at the visible head and never go below seq 1', () => {
        assert.deepEqual(clip(backward(100, 2), 9), [8, 9]);
        assert.deepEqual(clip(backward(5, 2), 9), [4, 5]);
        assert.deepEqual(clip(backward(3, 100), 9), [1, 3]);
    });
    test('nothing is visible in an empty range', () => {
        assert.equal(clip(forward(1, 10), 0), null);
        assert.equal(clip(backward(5, 10), 0), null);
    });
});
//# sourceMappingURL=pull-clip.test.js.map