import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { SeqlineClient } from '../../api/client/index.js';
import { withLogServer } from '../helpers/log.js';
import { startApiStack } from '../helpers/api.js';
/** Connects, waits for the first sync to finish, and records every event the socket delivers. */
async function connected(client) {
    const live = client.connect({ WebSocket });
    const events = [];
    live.on('event', (e) => events.push(e));
    await new Promise((resolve) => live.on('synced', () => resolve()));
    return { live, events };
}
// The views a new socket starts from are a projection of the log and lag it a
// little; a membership change in that window must hold all the same.
describe('WebSocket membership right after a membership change (views not caught up yet)', () => {
    const t = withLogServer();
    let s;
    const client = async (user) => new SeqlineClient({ url: s.url, token: await s.token(user) });
    before(async () => {
        s = await startApiStack(t.log, 'ws_lag');
        t.defer(() => s.stop());
    });
    test('a member kicked just before connecting gets nothing after the kick, by sync or live', async () => {
        const alice = await client('alice');
        const { conv } = await alice.createGroup({ name: 'k', members: ['bob'] });
        await alice.text(conv, 'before the kick');
        await s.settle();
        const kick = await alice.kick(conv, 'bob');
        const bob = await connected(await client('bob'));
        await alice.text(conv, 'secret after the kick');
        await sleep(300);
        bob.live.close();
        const seen = bob.events.filter((e) => e.conv === conv).map((e) => e.seq);
        assert.deepEqual(seen, [1, 2, kick.seq]);
    });
    test('a member invited just before connecting gets the invitation and what follows', async () => {
        const alice = await client('alice');
        const { conv } = await alice.createGroup({ name: 'i', members: [] });
        await s.settle();
        const invite = await alice.invite(conv, ['carol']);
        const carol = await connected(await client('carol'));
        const after = await alice.text(conv, 'welcome');
        await sleep(300);
        carol.live.close();
        const seen = carol.events.filter((e) => e.conv === conv).map((e) => e.seq);
        assert.ok(seen.includes(invite.seq) && seen.includes(after.seq), `carol saw ${JSON.stringify(seen)}`);
    });
});
//# sourceMappingURL=ws-view-lag.test.js.map