const NONE = { added: [], removed: [] };
/** The users an event makes members of its conversation, or removes from it. */
export function membershipChange(e) {
    switch (e.type) {
        case 'conversation.created':
            return { added: e.data.kind === 'direct' ? e.data.members : e.data.members.map((m) => m.user), removed: [] };
        case 'member.invited':
            return { added: e.data.users, removed: [] };
        case 'member.joined':
            return { added: [e.data.user], removed: [] };
        case 'member.left':
        case 'member.kicked':
            return { added: [], removed: [e.data.user] };
        default:
            return NONE;
    }
}
/**
 * What one connection knows of its user's memberships. It starts from the
 * inbox view and follows the log's membership events; each fact carries the
 * seq it holds as of, so a late or replayed older event never undoes a newer one.
 */
export class Membership {
    user;
    known = new Map();
    constructor(user) {
        this.user = user;
    }
    /** Records what a view says, unless something newer is known already. */
    seed(conv, member, asOf) {
        const k = this.known.get(conv);
        if (k && k.asOf >= asOf)
            return;
        this.known.set(conv, { member, asOf });
    }
    isMember(conv) {
        return this.known.get(conv)?.member === true;
    }
    /** Applies an event of the log; returns the new membership when the event changed it, else null. */
    apply(event) {
        const change = membershipChange(event);
        const joins = change.added.includes(this.user);
        if (!joins && !change.removed.includes(this.user))
            return null;
        const k = this.known.get(event.conv);
        if (k && event.seq <= k.asOf)
            return null;
        this.known.set(event.conv, { member: joins, asOf: event.seq });
        return (k?.member ?? false) === joins ? null : joins;
    }
    /** Every conversation to sync and its last seq: undefined (the head) for members, the leave seq for former members. */
    *targets() {
        for (const [conv, k] of this.known)
            yield [conv, k.member ? undefined : k.asOf];
    }
    /** Conversations the user is a member of now. */
    *current() {
        for (const [conv, k] of this.known)
            if (k.member)
                yield conv;
    }
}
//# sourceMappingURL=membership.js.map