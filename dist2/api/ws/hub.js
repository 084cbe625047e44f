import { follow } from '../../core/log/follow.js';
import { encode } from './frames.js';
import { membershipChange } from './membership.js';
/** Core NATS subjects of what is never logged. */
export function ephemeralSubjects(subjectPrefix) {
    const base = `${subjectPrefix.replace(/\.log$/, '')}.live`;
    return {
        typing: (conv) => `${base}.typing.${conv}`,
        allTyping: `${base}.typing.*`,
        presence: (user) => `${base}.presence.${user}`,
    };
}
const RESTART_MS = 1000;
const decoder = new TextDecoder();
const encoder = new TextEncoder();
/**
 * Fan-out of one API process. Every process follows the whole log from NATS
 * and routes each event to its own connections of users who are members, so
 * processes share nothing and a sender and a recipient may sit on different
 * processes. The log is followed through JetStream (ordered consumers per
 * partition, from the end at start-up) rather than a core subscription to the
 * log subjects: a core subscriber also receives publishes JetStream refused
 * (an append that lost an optimistic-concurrency race carries a seq another
 * event took), which would reach clients as events that never happened.
 */
export class Hub {
    log;
    byConv = new Map();
    byUser = new Map();
    subjects;
    follower = null;
    typingSub = null;
    stopped = false;
    restartTimer = null;
    constructor(log) {
        this.log = log;
        this.subjects = ephemeralSubjects(log.names.subjectPrefix);
    }
    async start() {
        this.typingSub = this.log.nc.subscribe(this.subjects.allTyping, { callback: (_err, msg) => this.routeTyping(msg) });
        await this.followFrom(await this.logEnd());
    }
    async stop() {
        this.stopped = true;
        if (this.restartTimer)
            clearTimeout(this.restartTimer);
        if (this.log.nc.isClosed())
            return;
        this.typingSub?.unsubscribe();
        // With the connection already closed the consumers cannot confirm stopping; there is nothing left to stop.
        await this.follower?.stop();
    }
    /** How far live delivery has got, per partition: every event up to here was routed to the sessions present. */
    position() {
        return { ...(this.follower?.cursor ?? {}) };
    }
    get connections() {
        let n = 0;
        for (const set of this.byUser.values())
            n += set.size;
        return n;
    }
    /** Sizes of the routing indexes: connections, users, conversations. */
    stats() {
        return { connections: this.connections, users: this.byUser.size, conversations: this.byConv.size };
    }
    add(target) {
        addTo(this.byUser, target.user, target);
    }
    /** Forgets a closed connection everywhere. */
    remove(target, convs) {
        removeFrom(this.byUser, target.user, target);
        for (const conv of convs)
            removeFrom(this.byConv, conv, target);
    }
    /** Keeps the conversation index in step with a connection's memberships. */
    index(target, conv, member) {
        if (member)
            addTo(this.byConv, conv, target);
        else
            removeFrom(this.byConv, conv, target);
    }
    publishTyping(conv, user) {
        this.log.nc.publish(this.subjects.typing(conv), encoder.encode(JSON.stringify({ conv, user })));
    }
    publishPresence(user, status) {
        this.log.nc.publish(this.subjects.presence(user), encoder.encode(JSON.stringify({ user, status, at: Date.now() })));
    }
    /** Members' connections get the event, and so do connections of users it adds or removes. */
    route(event) {
        const targets = new Set(this.byConv.get(event.conv));
        const { added, removed } = membershipChange(event);
        for (const user of [...added, ...removed])
            for (const t of this.byUser.get(user) ?? [])
                targets.add(t);
        if (targets.size === 0)
            return;
        const frame = encode({ type: 'event', event });
        for (const t of targets)
            t.live(event, frame);
    }
    routeTyping(msg) {
        let notice;
        try {
            notice = JSON.parse(decoder.decode(msg.data));
        }
        catch {
            return;
        }
        const targets = this.byConv.get(notice.conv);
        if (!targets)
            return;
        const frame = encode({ type: 'typing', conv: notice.conv, user: notice.user });
        for (const t of targets)
            if (t.user !== notice.user)
                t.send(frame);
    }
    /** The last stream position of every partition: live delivery starts after it. */
    async logEnd() {
        const cursor = {};
        for (let p = 0; p < this.log.partitions; p++) {
            cursor[p] = (await this.log.jsm.streams.info(this.log.streamOfPartition(p))).state.last_seq;
        }
        return cursor;
    }
    async followFrom(cursor) {
        const follower = await follow(this.log, cursor, (f) => {
            try {
                this.route(f.event);
            }
            catch {
                // One connection's failure must not stop delivery to every other.
            }
        });
        this.follower = follower;
        // Ordered consumers survive server restarts; if one still ends, resume from where it got.
        void follower.done.catch(() => undefined).then(() => this.resume(follower));
    }
    resume(ended) {
        if (this.stopped || this.follower !== ended)
            return;
        this.restartTimer = setTimeout(() => {
            this.followFrom(ended.cursor).catch(() => this.resume(ended));
        }, RESTART_MS);
    }
}
function addTo(map, key, value) {
    const set = map.get(key);
    if (set)
        set.add(value);
    else
        map.set(key, new Set([value]));
}
function removeFrom(map, key, value) {
    const set = map.get(key);
    if (!set)
        return;
    set.delete(value);
    if (set.size === 0)
        map.delete(key);
}
//# sourceMappingURL=hub.js.map