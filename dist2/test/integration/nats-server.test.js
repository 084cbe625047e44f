import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startTestNats } from '../helpers/nats.js';
test('a JetStream message survives a SIGKILL and restart of the test server', async (t) => {
    const nats = await startTestNats();
    t.after(() => nats.cleanup());
    // Short reconnect waits: the same client must find the restarted server within the test's budget.
    const nc = await connect({ servers: nats.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    t.after(() => nc.close());
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'PROBE', subjects: ['probe.>'] });
    const ack = await jetstream(nc).publish('probe.one', 'hello after crash');
    // Subscribed before the crash, so the event cannot slip past us.
    const reconnected = nextStatus(nc, 'reconnect');
    await nats.kill();
    await nats.restart();
    await reconnected;
    const stored = await jsm.streams.getMessage('PROBE', { seq: ack.seq });
    assert.ok(stored, 'message is still in the stream after the crash');
    assert.equal(stored.subject, 'probe.one');
    assert.equal(stored.string(), 'hello after crash');
    await nc.close();
    await nats.cleanup();
    assert.equal(existsSync(nats.dir), false, 'cleanup removes the temp dir');
});
async function nextStatus(nc, type) {
    for await (const status of nc.status()) {
        if (status.type === type)
            return;
    }
    throw new Error(`connection closed before '${type}'`);
}
//# sourceMappingURL=nats-server.test.js.map