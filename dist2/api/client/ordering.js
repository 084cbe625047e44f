/**
 * Delivery order of one conversation: each seq once, in seq order. Live
 * events may overlap a sync and arrive twice or ahead of their predecessors;
 * an event ahead of a gap waits here until the gap is filled by its events or
 * by the server saying those seqs were erased.
 */
export class ConversationOrder {
    held;
    /** Erased seqs are null: known, skipped, never delivered. */
    pending = new Map();
    /** @param held the highest seq already delivered (all before it included) */
    constructor(held = 0) {
        this.held = held;
    }
    get position() {
        return this.held;
    }
    get blocked() {
        return this.pending.size > 0;
    }
    /** Takes an event; returns the events now deliverable, in order (none if it was a duplicate or is ahead of a gap). */
    push(event) {
        if (event.seq <= this.held || this.pending.has(event.seq))
            return [];
        this.pending.set(event.seq, event);
        return this.drain();
    }
    /** Marks seqs as erased; returns the events that no longer wait for them. */
    erase(seqs) {
        for (const seq of seqs)
            if (seq > this.held && !this.pending.has(seq))
                this.pending.set(seq, null);
        return this.drain();
    }
    drain() {
        const out = [];
        for (let next = this.pending.get(this.held + 1); next !== undefined; next = this.pending.get(this.held + 1)) {
            this.pending.delete(++this.held);
            if (next)
                out.push(next);
        }
        return out;
    }
}
/** The delivery order of every conversation the client has seen. */
export class Ordering {
    convs = new Map();
    constructor(held = {}) {
        for (const [conv, seq] of Object.entries(held))
            this.convs.set(conv, new ConversationOrder(seq));
    }
    push(event) {
        return this.of(event.conv).push(event);
    }
    erase(conv, seqs) {
        return this.of(conv).erase(seqs);
    }
    /** The highest seq delivered per conversation: what a sync sends as `have`. */
    positions() {
        const out = {};
        for (const [conv, order] of this.convs)
            out[conv] = order.position;
        return out;
    }
    /** Identifies the gaps still open, to tell whether a sync changed anything. */
    gaps() {
        const open = [];
        for (const [conv, order] of this.convs)
            if (order.blocked)
                open.push(`${conv}@${order.position}`);
        return open.sort().join(' ');
    }
    of(conv) {
        let order = this.convs.get(conv);
        if (!order)
            this.convs.set(conv, (order = new ConversationOrder()));
        return order;
    }
}
//# sourceMappingURL=ordering.js.map