import { setTimeout as sleep } from 'node:timers/promises';
import { conversationsProjection } from '../../projections/conversations/apply.js';
import { ProjectionRunner } from '../../projections/runtime/runner.js';
import { ViewStore } from '../../projections/runtime/view-store.js';
/** A conversations projection on its own bucket, started. */
export async function startProjection(log, name) {
    const store = await ViewStore.open(log.nc, name);
    const runner = await ProjectionRunner.create(log, store, conversationsProjection(log, name), { flushIntervalMs: 20 });
    await runner.start();
    return runner;
}
/** Waits until the runner has applied everything in the log and committed it (bounded). */
export async function caughtUp(runner, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (runner.error)
            throw runner.error;
        if ((await runner.lag()).events === 0) {
            await runner.flush();
            return;
        }
        await sleep(20);
    }
    throw new Error(`projection ${runner.projection.name} still behind after ${timeoutMs} ms: ${JSON.stringify(await runner.lag())}`);
}
//# sourceMappingURL=projection.js.map