import { Ledger } from './ws-ledger.js';
import { drain, sendOne } from './ws-load.js';
const SHOTS = 5;
const PAUSE_MS = 200;
export async function fanout(pool, t) {
    const ledger = new Ledger('f');
    pool.onEvent = (user, event, at) => ledger.delivered(user, event, at);
    for (let shot = 0; shot < SHOTS; shot++) {
        // The sender rotates, so no one socket's own echo is always first in line.
        await sendOne(pool, ledger, t.fanout, (shot * 7919) % t.users.length);
        await drain(ledger);
        await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
    return { members: t.fanout.members.length, lastMemberMs: ledger.lastMemberMs(), memberMs: ledger.deliveryMs, ackMs: ledger.ackMs, verdict: ledger.verdict() };
}
//# sourceMappingURL=ws-fanout.js.map