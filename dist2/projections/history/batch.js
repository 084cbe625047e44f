import { eventRow, hiddenRows, messageRow, revision } from './rows.js';
export const messageKey = (conv, seq) => `${conv}\u0000${seq}`;
/**
 * The rows one flush writes. A message and its revisions within one batch
 * fold into a single row (the newest version); revisions of messages stored
 * earlier wait for their originals to be looked up. Every burned (or erasing
 * recall) target is listed so stored versions can be erased too.
 */
export class HistoryBatch {
    events = [];
    hidden = [];
    messages = new Map();
    pending = new Map();
    /** conv → seqs whose every stored version must lose its text. */
    erase = new Map();
    get size() {
        return this.events.length;
    }
    add(f) {
        this.events.push(eventRow(f));
        this.hidden.push(...hiddenRows(f));
        const m = messageRow(f);
        if (m)
            this.messages.set(messageKey(m.conv, m.seq), m);
        const r = revision(f);
        if (r)
            this.revise(r);
    }
    revise(r) {
        if (r.erase)
            this.eraseLater(r.conv, r.target);
        const key = messageKey(r.conv, r.target);
        const inBatch = this.messages.get(key);
        if (!inBatch) {
            this.pending.set(key, r);
            return;
        }
        this.messages.set(key, { ...inBatch, part: r.part, pos: r.pos, state: r.state, text: r.text });
    }
    eraseLater(conv, seq) {
        const seqs = this.erase.get(conv) ?? new Set();
        seqs.add(seq);
        this.erase.set(conv, seqs);
    }
    /** Targets of revisions whose message is not in this batch, by conversation. */
    lookups() {
        const byConv = new Map();
        for (const r of this.pending.values())
            byConv.set(r.conv, [...(byConv.get(r.conv) ?? []), r.target]);
        return byConv;
    }
    /** The message rows to insert, given the stored originals of pending revisions (missing ones were never stored: nothing to revise). */
    messageRows(originals) {
        const rows = [...this.messages.values()];
        for (const [key, r] of this.pending) {
            const o = originals.get(key);
            if (!o)
                continue;
            rows.push({ part: r.part, pos: r.pos, conv: r.conv, seq: r.target, at_ms: o.at_ms, sender: o.sender, kind: o.kind, state: r.state, text: r.text });
        }
        return rows;
    }
}
//# sourceMappingURL=batch.js.map