import { readPrefix, readRecord } from '../runtime/view-store.js';
import { keys } from './keys.js';
/**
 * Who has read the message at seq and who has not, among those who were
 * members when it was sent. A read covers everything up to its seq, so one
 * read position per member answers for every message; they are fetched in one
 * pass over the bucket, however large the group.
 */
export async function receipt(nc, kv, bucket, conv, seq) {
    const [record, reads] = await Promise.all([
        readRecord(kv, keys.members(conv)),
        readPrefix(nc, bucket, keys.readPrefix(conv)),
    ]);
    const readBy = [];
    const unreadBy = [];
    if (!record)
        return { seq, readBy, unreadBy };
    const prefix = keys.readPrefix(conv);
    const at = (user) => reads.get(`${prefix}${user}`)?.seq ?? 0;
    const present = [
        ...Object.entries(record.members).filter(([, m]) => m.since <= seq),
        ...Object.entries(record.former).filter(([, f]) => f.since <= seq && f.left > seq),
    ];
    for (const [user] of present)
        (at(user) >= seq ? readBy : unreadBy).push(user);
    return { seq, readBy: readBy.sort(), unreadBy: unreadBy.sort() };
}
//# sourceMappingURL=receipts.js.map