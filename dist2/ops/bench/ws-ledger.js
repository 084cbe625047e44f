export class Ledger {
    prefix;
    sent = [];
    ackMs = [];
    /** Send → delivery to members other than the sender. */
    deliveryMs = [];
    firstAt = Infinity;
    lastDeliveryAt = 0;
    recipientDeliveries = 0;
    seqMismatch = 0;
    misrouted = 0;
    foreign = 0;
    /** @param prefix of this phase's command ids; [A-Za-z0-9_.-], no ':' */
    constructor(prefix) {
        this.prefix = prefix;
    }
    /** Registers a send now; returns the command id to send it with. */
    send(plan, sender) {
        const index = this.sent.length;
        const at = performance.now();
        this.firstAt = Math.min(this.firstAt, at);
        this.sent.push({ at, plan, sender, got: new Uint8Array(plan.members.length), lastAt: 0 });
        return { id: `${this.prefix}:${index}`, index };
    }
    acked(index, ack) {
        const s = this.sent[index];
        // Every id here is new: an ack as duplicate means nothing was appended, so it is no delivered message.
        if (ack.duplicate)
            return void (s.failure = 'ACKED_AS_DUPLICATE');
        this.ackMs.push(performance.now() - s.at);
        s.seq = ack.seq;
    }
    failed(index, err) {
        this.sent[index].failure = err.code ?? err.message ?? String(err);
    }
    delivered(user, event, at) {
        const s = this.lookup(event.cmd);
        if (!s)
            return void this.foreign++;
        const slot = s.plan.slot.get(user);
        if (slot === undefined || event.conv !== s.plan.conv)
            return void this.misrouted++;
        // A delivery can beat the ack, so the ack's seq is compared in the verdict; here, recipients against each other.
        if (s.eventSeq === undefined)
            s.eventSeq = event.seq;
        else if (s.eventSeq !== event.seq)
            this.seqMismatch++;
        s.got[slot] = Math.min(255, s.got[slot] + 1);
        s.lastAt = Math.max(s.lastAt, at);
        this.lastDeliveryAt = Math.max(this.lastDeliveryAt, at);
        if (user !== s.sender) {
            this.deliveryMs.push(at - s.at);
            this.recipientDeliveries++;
        }
    }
    /** Deliveries still owed by acked messages; 0 once everything has arrived. */
    outstanding() {
        let owed = 0;
        for (const s of this.sent)
            if (s.seq !== undefined)
                for (const n of s.got)
                    if (n === 0)
                        owed++;
        return owed;
    }
    /** Per message, send → its last member's delivery (ms); NaN for a message someone has not got. */
    lastMemberMs() {
        return this.sent.map((s) => (s.got.every((n) => n > 0) ? s.lastAt - s.at : NaN));
    }
    verdict() {
        const v = { sent: this.sent.length, acked: 0, failed: {}, expected: 0, deliveredOnce: 0, missed: 0, duplicates: 0, seqMismatch: 0, misrouted: this.misrouted, deliveredUnacked: 0, foreign: this.foreign, ok: false };
        for (const s of this.sent) {
            if (s.seq === undefined) {
                const reason = s.failure ?? 'NO_ANSWER';
                v.failed[reason] = (v.failed[reason] ?? 0) + 1;
                if (s.got.some((n) => n > 0))
                    v.deliveredUnacked++;
                continue;
            }
            v.acked++;
            v.expected += s.got.length;
            for (const n of s.got) {
                if (n === 0)
                    v.missed++;
                else
                    v.deliveredOnce++;
                if (n > 1)
                    v.duplicates += n - 1;
            }
            if (s.eventSeq !== undefined && s.eventSeq !== s.seq)
                v.seqMismatch++;
        }
        v.seqMismatch += this.seqMismatch;
        v.ok = v.acked === v.sent && v.missed === 0 && v.duplicates === 0 && v.seqMismatch === 0 && v.misrouted === 0 && v.foreign === 0;
        return v;
    }
    lookup(cmd) {
        const colon = cmd.indexOf(':');
        if (colon < 0 || cmd.slice(0, colon) !== this.prefix)
            return undefined;
        return this.sent[Number(cmd.slice(colon + 1))];
    }
}
//# sourceMappingURL=ws-ledger.js.map