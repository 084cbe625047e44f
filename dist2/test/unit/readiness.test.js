import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_LAG_SECONDS, readiness } from '../../api/readiness.js';
/** Only what readiness asks of a connection. */
function connection(state) {
    return {
        isClosed: () => state.closed ?? false,
        isDraining: () => false,
        rtt: () => (state.answers === false ? new Promise(() => undefined) : Promise.resolve(1)),
    };
}
describe('readiness', () => {
    test('ready when NATS answers and the projection keeps up', async () => {
        const r = await readiness(connection({}), async () => ({ events: 3, seconds: 0.2 }));
        assert.deepEqual(r, { ready: true, nats: 'connected', lag: { events: 3, seconds: 0.2 }, reasons: [] });
    });
    test('ready without a projection in this process', async () => {
        assert.deepEqual(await readiness(connection({})), { ready: true, nats: 'connected', reasons: [] });
    });
    test('not ready, with the reason, when the connection is closed or does not answer', async () => {
        const closed = await readiness(connection({ closed: true }));
        assert.deepEqual([closed.ready, closed.nats, closed.reasons], [false, 'closed', ['NATS connection closed']]);
        const silent = await readiness(connection({ answers: false }));
        assert.deepEqual([silent.ready, silent.nats], [false, 'unresponsive']);
    });
    test('not ready when the projection lags too far or cannot tell', async () => {
        const behind = await readiness(connection({}), async () => ({ events: 900, seconds: MAX_LAG_SECONDS + 1 }));
        assert.equal(behind.ready, false);
        assert.match(behind.reasons[0], /projection 6\.0 s behind \(900 events\)/);
        const failing = await readiness(connection({}), async () => {
            throw new Error('stream not found');
        });
        assert.deepEqual([failing.ready, failing.reasons], [false, ['projection lag unknown: stream not found']]);
    });
});
//# sourceMappingURL=readiness.test.js.map