import { EventLog } from '../core/log/event-log.js';
const WAIT_MS = 60_000;
/**
 * Opens the log with the configured layout, waiting (bounded) for JetStream:
 * a cluster that has just formed elects its meta leader before it accepts
 * stream changes. A configuration error (a changed partition count) fails at once.
 */
export async function openLog(nc, config) {
    const deadline = Date.now() + WAIT_MS;
    for (let attempt = 1;; attempt++) {
        try {
            return await EventLog.open(nc, { names: { partitions: config.partitions }, replicas: config.replicas, duplicateWindowMs: config.duplicateWindowMs });
        }
        catch (err) {
            if (/partitions/.test(String(err)) || Date.now() > deadline)
                throw err;
            if (attempt === 1)
                console.error(`waiting for JetStream to accept the log's streams (${err.message})`);
            await new Promise((r) => setTimeout(r, 500));
        }
    }
}
//# sourceMappingURL=open-log.js.map