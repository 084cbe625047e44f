// WebSocket benchmark (`--only ws`): N users, each on a socket of the client
// library, against one API process over a fresh log and views. They send at a
// paced total rate to their direct peers and groups; every delivery to every
// member is matched to its send, so the figures come with a proof that each
// acked message reached each member exactly once. Then a fan-out to a group of
// all N. Printed beside the raw JetStream publish ceilings of the same run,
// with the CPU and memory it took.
import { randomBytes } from 'node:crypto';
import { Tokens } from '../../api/auth/tokens.js';
import { cpuSecondsOf, sampleUsage } from './process-usage.js';
import { publishCeilings } from './publish-ceilings.js';
import { dropLog, scratchLog } from './scratch.js';
import { percentiles } from './stats.js';
import { connectClients } from './ws-clients.js';
import { fanout } from './ws-fanout.js';
import { sustainedLoad } from './ws-load.js';
import { createConversations } from './ws-setup.js';
import { startStack } from './ws-stack.js';
import { convsOf, topology } from './ws-topology.js';
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const SETUP_WINDOW = 64;
const TOKEN_TTL_SECONDS = 3600;
/**
 * The load runs this long first, untimed but checked: the first seconds are
 * JIT compilation and the handler loading each conversation's state, which
 * put hundreds of ms on every send and say nothing about the steady state.
 */
const WARMUP_SECONDS = 2;
export async function wsBench(nc, opts) {
    const raw = await scratchLog(nc, 'wsraw', opts.partitions);
    const log = await scratchLog(nc, 'ws', opts.partitions);
    try {
        const before = await publishCeilings(raw, opts.ceilingMessages, opts.window);
        const t = topology(opts.clients, opts.groupSize);
        const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') };
        const stack = await startStack(opts.placement, log, opts.servers, `bench_${RUN}_ws`, secrets);
        let measured;
        try {
            const heads = await createConversations(log, t, SETUP_WINDOW);
            await stack.settle();
            const pool = await connectUsers(stack, t, heads, new Tokens(secrets));
            try {
                measured = await measure(pool, t, stack, opts);
            }
            finally {
                pool.close();
            }
        }
        finally {
            await stack.stop();
        }
        const after = await publishCeilings(raw, opts.ceilingMessages, opts.window);
        return { ...measured, ceilings: { before, after }, ok: isClean(measured) };
    }
    finally {
        await dropLog(raw);
        await dropLog(log);
    }
}
/** Every user on a socket of its own, holding the heads after setup. */
async function connectUsers(stack, t, heads, tokens) {
    const userTokens = await Promise.all(t.users.map(async (u) => (await tokens.mint(u, TOKEN_TTL_SECONDS)).token));
    return connectClients(stack.url, userTokens, (u) => Object.fromEntries(convsOf(t, u).map((p) => [p.conv, heads.get(p.conv)])));
}
async function measure(pool, t, stack, opts) {
    const warm = await sustainedLoad(pool, t, opts.rate, WARMUP_SECONDS, 'warm');
    const natsBefore = await cpuSecondsOf(opts.natsPid);
    const apiBefore = await stack.usage();
    const usage = sampleUsage();
    const load = await sustainedLoad(pool, t, opts.rate, opts.seconds);
    const bench = usage.stop();
    const apiAfter = await stack.usage();
    const natsAfter = await cpuSecondsOf(opts.natsPid);
    const fan = await fanout(pool, t);
    const l = load.ledger;
    return {
        clients: opts.clients,
        directs: t.convs.filter((c) => c.kind === 'direct').length,
        groups: t.convs.filter((c) => c.kind === 'group').length - 1,
        groupSize: opts.groupSize,
        rate: opts.rate,
        seconds: opts.seconds,
        placement: stack.placement,
        load: {
            seconds: load.seconds,
            drainSeconds: load.drainSeconds,
            ackedPerSecond: l.ackMs.length / load.seconds,
            recipientDeliveries: l.recipientDeliveries,
            deliveriesPerSecond: l.recipientDeliveries / ((l.lastDeliveryAt - l.firstAt) / 1000),
            ack: percentiles(l.ackMs),
            delivery: percentiles(l.deliveryMs),
            verdict: l.verdict(),
        },
        fanout: summariseFanout(fan),
        warmup: { seconds: WARMUP_SECONDS, verdict: warm.ledger.verdict() },
        wire: { rawEventFrames: pool.rawEventFrames(), emittedEvents: pool.emittedEvents(), reconnects: pool.reconnects() },
        usage: { bench, ...apiShare(apiBefore, apiAfter, bench.seconds), natsCpuPercent: percentOf(natsBefore, natsAfter, bench.seconds) },
    };
}
function summariseFanout(f) {
    return { members: f.members, lastMember: f.lastMemberMs, member: percentiles(f.memberMs), ack: percentiles(f.ackMs), verdict: f.verdict };
}
function apiShare(before, after, seconds) {
    if (!before || !after)
        return {};
    return { apiCpuPercent: percentOf(before.cpuSeconds, after.cpuSeconds, seconds), apiRssMb: after.rssMb, apiMaxRssMb: after.maxRssMb, apiLoopDelay: after.loopDelay };
}
function percentOf(before, after, seconds) {
    return before === undefined || after === undefined ? undefined : ((after - before) / seconds) * 100;
}
/** Exactly once everywhere, and nothing on the wire the library had to hide: no duplicate frames, no resyncs. */
function isClean(m) {
    return m.warmup.verdict.ok && m.load.verdict.ok && m.fanout.verdict.ok && m.wire.reconnects === 0 && m.wire.rawEventFrames === m.wire.emittedEvents;
}
//# sourceMappingURL=websocket.js.map