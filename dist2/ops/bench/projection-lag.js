import { CommandHandler } from '../../core/commands/command-handler.js';
import { sampleLag, untilCaughtUp } from './catch-up.js';
import { groupWorkload } from './group-workload.js';
import { paced } from './pace.js';
import { dropLog, scratchLog, scratchProjection } from './scratch.js';
import { percentiles, pipelined } from './stats.js';
/** Groups the load is spread over (messages, and every tenth command a read). */
export const LAG_GROUPS = 1000;
const SAMPLE_MS = 500;
const POLL_MS = 100;
const CATCH_UP_TIMEOUT_MS = 120_000;
export async function projectionLag(nc, rates, seconds, window, partitions) {
    const log = await scratchLog(nc, 'lag', partitions);
    try {
        const handler = new CommandHandler(log);
        const workload = groupWorkload('lag', LAG_GROUPS);
        const send = (i) => execute(handler, workload, i);
        await pipelined(LAG_GROUPS, window, send);
        const scratch = await scratchProjection(log, 'lag');
        try {
            await scratch.runner.start();
            await untilCaughtUp(scratch.runner, POLL_MS, CATCH_UP_TIMEOUT_MS);
            const rows = [];
            let next = LAG_GROUPS;
            for (const rate of rates) {
                const from = next;
                const row = await underLoad(scratch.runner, rate, seconds, window, (i) => send(from + i));
                next += row.appended;
                rows.push(row);
            }
            return rows;
        }
        finally {
            await scratch.drop();
        }
    }
    finally {
        await dropLog(log);
    }
}
async function underLoad(runner, rate, seconds, window, send) {
    const sampler = sampleLag(runner, SAMPLE_MS);
    const run = await paced(rate, seconds, window, send).catch(async (err) => {
        // The load's own error is the one to report, not a sampler's that outlived it.
        await sampler.stop().catch(() => undefined);
        throw err;
    });
    const samples = await sampler.stop();
    const drainSeconds = await untilCaughtUp(runner, POLL_MS, CATCH_UP_TIMEOUT_MS);
    const events = percentiles(samples.map((s) => s.events));
    const ages = percentiles(samples.map((s) => s.seconds));
    const calls = percentiles(samples.map((s) => s.callMs));
    return {
        target: rate,
        achieved: run.issued / run.seconds,
        appended: run.issued,
        samples: samples.length,
        lagEvents: { p50: events.p50, max: events.max },
        lagSeconds: { p50: ages.p50, max: ages.max },
        lagCallMs: { p50: calls.p50, max: calls.max },
        drainSeconds,
    };
}
async function execute(handler, workload, i) {
    const r = await handler.execute(workload.command(i));
    if (!r.ok)
        throw new Error(JSON.stringify(r));
}
//# sourceMappingURL=projection-lag.js.map