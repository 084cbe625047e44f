import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { committedCursor } from '../runtime/commit-log.js';
import { readPrefix, readRecord } from '../runtime/view-store.js';
import { inbox } from './inbox.js';
import { decodeConv, keys } from './keys.js';
import { receipt } from './receipts.js';
export const CONVERSATIONS_BUCKET = 'seqline_conversations';
/** The query side of the conversations projection, reading KV directly (any process, any number of them). */
export class ConversationViews {
    nc;
    kv;
    bucket;
    projection;
    constructor(nc, kv, bucket, 
    /** The projection that writes the bucket: its commits say how far the views reach. */
    projection) {
        this.nc = nc;
        this.kv = kv;
        this.bucket = bucket;
        this.projection = projection;
    }
    static async open(nc, bucket = CONVERSATIONS_BUCKET, projection = 'conversations') {
        return new ConversationViews(nc, await new Kvm(nc).create(bucket, { history: 1 }), bucket, projection);
    }
    /** The log position the views reflect (per partition), or null before the projection's first commit. */
    async reach() {
        return committedCursor(await jetstreamManager(this.nc), this.projection);
    }
    inbox(user) {
        return inbox(this.kv, user);
    }
    /** The conversations a user belongs to or left (with the leave seq), by conversation id. */
    async conversationsOf(user) {
        const record = await readRecord(this.kv, keys.user(user));
        return Object.fromEntries(Object.entries(record?.convs ?? {}).map(([conv, c]) => [decodeConv(conv), c]));
    }
    receipt(conv, seq) {
        return receipt(this.nc, this.kv, this.bucket, conv, seq);
    }
    head(conv) {
        return readRecord(this.kv, keys.head(conv));
    }
    members(conv) {
        return readRecord(this.kv, keys.members(conv));
    }
    /** Every conversation with burn-after-read messages not yet burned, by key. */
    burns() {
        return readPrefix(this.nc, this.bucket, keys.duePrefix);
    }
}
//# sourceMappingURL=views.js.map