import { Kvm } from '@nats-io/kv';
import { readRecord } from '../projections/runtime/view-store.js';
/** Users the platform registered, in a KV bucket of their own (profiles are not events of a conversation). */
export class UserDirectory {
    kv;
    constructor(kv) {
        this.kv = kv;
    }
    static async open(nc, bucket = 'seqline_users', replicas = 1) {
        return new UserDirectory(await new Kvm(nc).create(bucket, { history: 1, replicas }));
    }
    get(user) {
        return readRecord(this.kv, user);
    }
    /** Registers or updates a user; returns the record and whether it is new. */
    async put(user, profile) {
        const existing = await this.get(user);
        const now = Date.now();
        const record = { ...existing, ...profile, user, registeredAt: existing?.registeredAt ?? now, updatedAt: now };
        await this.kv.put(user, JSON.stringify(record));
        return { record, created: !existing };
    }
}
//# sourceMappingURL=users.js.map