import { after, before } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { CommandHandler } from '../../core/commands/command-handler.js';
import { EventLog } from '../../core/log/event-log.js';
import { startTestNats } from './nats.js';
export const TEST_PARTITIONS = 4;
export async function openLog(url, opts = {}) {
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const log = await EventLog.open(nc, { names: { partitions: TEST_PARTITIONS }, ...opts });
    return { nc, log };
}
/**
 * Registers before/after hooks giving the calling suite its own real
 * nats-server, an open log and a command handler; fields are set once the
 * before hook has run.
 */
export function withLogServer(opts = {}) {
    const cleanups = [];
    const ctx = { defer: (fn) => void cleanups.push(fn) };
    before(async () => {
        ctx.nats = await startTestNats();
        const { nc, log } = await openLog(ctx.nats.url, opts);
        Object.assign(ctx, { nc, log, handler: new CommandHandler(log) });
    });
    after(async () => {
        for (const fn of cleanups.reverse())
            await fn();
        ctx.log?.close();
        await ctx.nc?.close();
        await ctx.nats?.cleanup();
    });
    return ctx;
}
export function text(id, conv, actor, body = id) {
    return { type: 'message.send', id, conv, actor, data: { content: { type: 'text', text: body } } };
}
export async function createGroup(handler, conv, owner, members) {
    const r = await handler.execute({ type: 'group.create', id: `create-${conv}`, conv, actor: owner, data: { name: conv, members } });
    if (!r.ok)
        throw new Error(`group ${conv} not created: ${JSON.stringify(r)}`);
}
/** Every stored event of a conversation, read in pages through the public range API. Erased seqs are holes, so pages advance by seq. */
export async function readAll(log, conv) {
    const out = [];
    for (;;) {
        const from = (out.at(-1)?.event.seq ?? 0) + 1;
        const page = await log.read(conv, { from, limit: 500 });
        if (page.length === 0)
            return out;
        out.push(...page);
    }
}
/** Asserts-friendly summary: the seqs in order and any duplicated command keys. */
export function seqsAndDuplicates(events) {
    const seen = new Set();
    const duplicates = [];
    for (const { event } of events) {
        const key = `${event.actor}/${event.cmd}`;
        if (seen.has(key))
            duplicates.push(key);
        seen.add(key);
    }
    return { seqs: events.map((e) => e.event.seq), duplicates };
}
export const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
//# sourceMappingURL=log.js.map