import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { decodeEvent } from './codec.js';
const BATCH = 256;
/** How long a fetch waits for a message that may not come (every remaining message of the window erased). */
const EMPTY_FETCH_MS = 1_000;
/**
 * Every event of the log stored from `since` on and written up to `until`, partition by
 * partition: in log order within a partition, so in seq order within each conversation.
 * Each partition is read up to its last message as it stood when the export reached it,
 * so an export of a busy log still ends.
 */
export async function* eventsBetween(log, since, until) {
    for (let p = 0; p < log.partitions; p++)
        yield* partitionBetween(log, p, since, until);
}
async function* partitionBetween(log, p, since, until) {
    const stream = log.streamOfPartition(p);
    const { state } = await log.jsm.streams.info(stream);
    // Nothing stored since `since`: skip, rather than wait on a consumer with nothing to deliver.
    if (state.messages === 0 || Date.parse(state.last_ts) < since)
        return;
    const consumer = await jetstream(log.nc).consumers.get(stream, {
        deliver_policy: DeliverPolicy.StartTime,
        opt_start_time: new Date(since).toISOString(),
        inactive_threshold: 30_000,
    });
    try {
        for (;;) {
            const batch = await consumer.fetch({ max_messages: BATCH, expires: EMPTY_FETCH_MS });
            let delivered = 0;
            for await (const m of batch) {
                delivered++;
                const event = decodeEvent(m.data);
                // Stream time (where the consumer starts) and event time come from different clocks.
                if (until !== undefined && event.at > until)
                    return;
                if (event.at >= since)
                    yield event;
                if (m.info.pending === 0 || m.seq >= state.last_seq)
                    return;
            }
            if (delivered === 0)
                return;
        }
    }
    finally {
        await consumer.delete().catch(() => undefined);
    }
}
//# sourceMappingURL=events-between.js.map