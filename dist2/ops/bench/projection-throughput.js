import { CommandHandler } from '../../core/commands/command-handler.js';
import { bareCeiling } from './publish-ceilings.js';
import { ConversationViews } from '../../projections/conversations/views.js';
import { untilCaughtUp } from './catch-up.js';
import { groupWorkload } from './group-workload.js';
import { dropLog, scratchLog, scratchProjection } from './scratch.js';
import { pipelined } from './stats.js';
const CONVS = 1000;
const POLL_MS = 100;
export async function projectionThroughput(nc, events, window, partitions) {
    const log = await scratchLog(nc, 'thru', partitions);
    const raw = await scratchLog(nc, 'raw', partitions);
    try {
        const first = (await bareCeiling(raw, events, window)).perSecond;
        const workload = groupWorkload('thru', CONVS);
        const handler = await appendAll(log, workload, events, window);
        const last = (await bareCeiling(raw, events, window)).perSecond;
        const { seconds } = await replay(log, workload, events);
        return { events, convs: CONVS, bare: [first, last], handler, projection: events / seconds, projectionSeconds: seconds };
    }
    finally {
        await dropLog(raw);
        await dropLog(log);
    }
}
/** Events/s of the handler appending the workload's first `events` commands. */
async function appendAll(log, workload, events, window) {
    const handler = new CommandHandler(log);
    const { seconds } = await pipelined(events, window, async (i) => {
        const r = await handler.execute(workload.command(i));
        if (!r.ok)
            throw new Error(JSON.stringify(r));
    });
    return events / seconds;
}
/** From start() of a fresh runner until lag() reports nothing left; the views are checked before the figure counts. */
async function replay(log, workload, events) {
    const scratch = await scratchProjection(log, 'thru');
    try {
        const start = performance.now();
        await scratch.runner.start();
        await untilCaughtUp(scratch.runner, POLL_MS, Math.max(120_000, events * 2));
        const seconds = (performance.now() - start) / 1000;
        await scratch.runner.flush();
        await checkHeads(log.nc, scratch.bucket, workload, events);
        return { seconds };
    }
    finally {
        await scratch.drop();
    }
}
/** A replay that skipped or misapplied events must not be reported as a rate. */
async function checkHeads(nc, bucket, workload, events) {
    const views = await ConversationViews.open(nc, bucket);
    for (const index of [0, workload.convs - 1]) {
        const head = await views.head(workload.conv(index));
        const want = workload.headAfter(index, events);
        if (head?.head !== want)
            throw new Error(`projection head of ${workload.conv(index)} is ${head?.head}, expected ${want}`);
    }
}
//# sourceMappingURL=projection-throughput.js.map