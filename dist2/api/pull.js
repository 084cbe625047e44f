/** The seqs [first, last] a range query covers once clipped to what the caller may see; null when none. */
export function clip(query, head) {
    const [first, last] = query.direction === 'backward'
        ? [Math.max(1, Math.min(query.from, head) - query.limit + 1), Math.min(query.from, head)]
        : [query.from, Math.min(head, query.from + query.limit - 1)];
    return first <= last ? [first, last] : null;
}
/**
 * One page of a conversation. The log is dense, so a seq of the range that is not
 * returned was erased (burned): it is listed, so the client can still tell a hole
 * it may skip from a gap it must pull.
 */
export async function pull(log, visible, query) {
    const range = clip(query, visible.head);
    const page = { conv: visible.conv, head: visible.head, events: [], erased: [] };
    if (!range)
        return page;
    const [first, last] = range;
    const stored = await log.read(visible.conv, { from: first, limit: last - first + 1 });
    page.events = stored.map((s) => s.event);
    page.erased = holes(page.events, first, last);
    return page;
}
function holes(events, first, last) {
    const present = new Set(events.map((e) => e.seq));
    const missing = [];
    for (let seq = first; seq <= last; seq++)
        if (!present.has(seq))
            missing.push(seq);
    return missing;
}
//# sourceMappingURL=pull.js.map