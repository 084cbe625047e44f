import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { decodeEvent } from './codec.js';
/**
 * Delivers every event of the log in log order per partition (so in seq order
 * per conversation), starting after `from`. Each handler call finishes before
 * the next event of its partition is delivered; partitions run side by side.
 * Ordered consumers re-create themselves after a server restart, from the last
 * position delivered.
 */
export async function follow(log, from, handle) {
    const js = jetstream(log.nc);
    const cursor = { ...from };
    const subscriptions = [];
    const loops = [];
    for (let p = 0; p < log.partitions; p++) {
        const consumer = await js.consumers.get(log.streamOfPartition(p), {
            deliver_policy: DeliverPolicy.StartSequence,
            opt_start_seq: (cursor[p] ?? 0) + 1,
        });
        const messages = await consumer.consume({ max_messages: 1024 });
        subscriptions.push(messages);
        loops.push((async () => {
            for await (const m of messages) {
                await handle({ partition: p, streamSeq: m.seq, event: decodeEvent(m.data) });
                cursor[p] = m.seq;
            }
        })());
    }
    const stopAll = () => subscriptions.forEach((s) => s.stop());
    const done = Promise.all(loops).then(() => undefined, (err) => {
        stopAll();
        throw err;
    });
    return {
        cursor,
        done,
        async stop() {
            stopAll();
            await Promise.allSettled(loops);
        },
    };
}
//# sourceMappingURL=follow.js.map