import { partitionSubjects } from '../../core/log/partitions.js';
/** How far a log position is behind the log; partitions are asked at once, each dated as it answers. */
export async function lagBehind(log, position) {
    const parts = await Promise.all(Array.from({ length: log.partitions }, (_, p) => partitionLag(log, p, position[p] ?? 0)));
    return {
        events: parts.reduce((sum, part) => sum + part.events, 0),
        seconds: Math.max(0, ...parts.map((part) => part.seconds)),
    };
}
async function partitionLag(log, p, done) {
    const stream = log.streamOfPartition(p);
    const last = (await log.jsm.streams.info(stream)).state.last_seq;
    if (last <= done)
        return { events: 0, seconds: 0 };
    const next = await log.jsm.direct.getMessage(stream, { seq: done + 1, next_by_subj: partitionSubjects(log.names, p) });
    const seconds = next ? Math.max(0, (Date.now() - next.json().at) / 1000) : 0;
    return { events: last - done, seconds };
}
//# sourceMappingURL=lag.js.map