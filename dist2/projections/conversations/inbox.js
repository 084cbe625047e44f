import { readRecord } from '../runtime/view-store.js';
import { decodeConv, keys } from './keys.js';
import { liveUpTo } from './message-index.js';
/** Reads records straight from KV: the query side shares nothing with the projection process. */
export function kvSource(kv) {
    return { get: (key) => readRecord(kv, key) };
}
/** A user's conversations, most recently active first. */
export async function inbox(kv, user, window = 64) {
    const record = await readRecord(kv, keys.user(user));
    if (!record)
        return [];
    const source = kvSource(kv);
    const entries = Object.entries(record.convs);
    const rows = [];
    for (let i = 0; i < entries.length; i += window) {
        const page = await Promise.all(entries.slice(i, i + window).map(([conv, c]) => row(source, user, conv, c)));
        for (const r of page)
            if (r)
                rows.push(r);
    }
    return rows.sort((a, b) => b.activityAt - a.activityAt || a.conv.localeCompare(b.conv));
}
/** One inbox row, or null if the conversation's head is not written yet. */
export async function row(source, user, conv, c) {
    const [head, read] = await Promise.all([
        source.get(keys.head(conv)),
        source.get(keys.read(conv, user)),
    ]);
    if (!head)
        return null;
    const maxSeq = c.left ?? head.head;
    const readSeq = Math.min(read?.seq ?? c.since, maxSeq);
    const [upToMax, upToRead] = await Promise.all([
        maxSeq === head.head ? head.live : liveUpTo(source, conv, maxSeq),
        liveUpTo(source, conv, readSeq),
    ]);
    const mentioned = head.mentions.some((m) => m.seq > readSeq && m.seq <= maxSeq && m.actor !== user && (m.all === true || (m.users ?? []).includes(user)));
    const last = c.left !== undefined ? c.lastAtLeave : head.last;
    return {
        conv: decodeConv(conv),
        kind: head.kind,
        ...(head.name ? { name: head.name } : {}),
        maxSeq,
        readSeq,
        unread: upToMax - upToRead,
        mentioned,
        ...(last ? { last } : {}),
        activityAt: c.leftAt !== undefined ? Math.min(c.leftAt, head.activityAt) : head.activityAt,
        changedAt: Math.max(c.left !== undefined ? 0 : head.changedAt, read?.at ?? 0, c.changedAt ?? 0),
        groupMuted: head.groupMuted,
        mutedUntil: c.mutedUntil,
        dissolved: head.dissolved,
        ...(c.left !== undefined ? { left: c.left } : {}),
    };
}
//# sourceMappingURL=inbox.js.map