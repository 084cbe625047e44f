/**
 * Checks a conversation's events, read in seq order, against the rule that
 * seq is dense: every seq from 1 to the head is either present once or erased
 * by a burn whose tombstone names it.
 */
export function verifyConversation(conv, head, events) {
    const seen = new Set();
    const disorder = [];
    const tombstones = [];
    let last = 0;
    for (const e of events) {
        if (seen.has(e.seq) || e.seq < last)
            disorder.push(e.seq);
        seen.add(e.seq);
        last = Math.max(last, e.seq);
        if (e.type === 'message.burned')
            tombstones.push({ seq: e.seq, target: e.data.target, edits: e.data.edits ?? [] });
    }
    const explained = new Set(tombstones.flatMap((t) => [t.target, ...t.edits]));
    const erased = [];
    const gaps = [];
    for (let seq = 1; seq <= head; seq++) {
        if (seen.has(seq))
            continue;
        (explained.has(seq) ? erased : gaps).push(seq);
    }
    return { conv, head, events: events.length, tombstones, erased, gaps, disorder, ok: gaps.length === 0 && disorder.length === 0 };
}
//# sourceMappingURL=verify.js.map