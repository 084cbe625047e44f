const PAGE = 500;
/**
 * Every stored event of a conversation from seq 1 up to `upTo`, in seq order. Pages
 * advance by seq, not by what came back: erased seqs are holes, and a page may hold
 * nothing but holes while later pages still hold events.
 */
export async function* conversationEvents(log, conv, upTo) {
    for (let from = 1; from <= upTo; from += PAGE) {
        const limit = Math.min(PAGE, upTo - from + 1);
        for (const stored of await log.read(conv, { from, limit }))
            yield stored.event;
    }
}
/** Keeps the events whose time lies in [since, until]; either bound may be absent. */
export async function* within(events, since, until) {
    for await (const event of events) {
        if (since !== undefined && event.at < since)
            continue;
        if (until !== undefined && event.at > until)
            continue;
        yield event;
    }
}
/** Streams events as NDJSON; the events are produced as the client reads, never all held at once. */
//# sourceMappingURL=conversation-events.js.map