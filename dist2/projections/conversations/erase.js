/**
 * Burn after read: erases the burned message and every edit of it from
 * JetStream for good (secure delete: overwritten, not merely unlinked).
 * Idempotent: what is already gone is skipped, so a replay or a second
 * instance does no harm.
 */
export async function eraseBurned(log, conv, target, edits) {
    let erased = 0;
    for (const seq of [target, ...edits]) {
        const [stored] = await log.read(conv, { from: seq, limit: 1 });
        if (!stored || stored.event.seq !== seq)
            continue;
        if (await log.erase(conv, stored.streamSeq))
            erased++;
    }
    return erased;
}
//# sourceMappingURL=erase.js.map