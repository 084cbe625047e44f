import { randomUUID } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
/**
 * An exclusive lease in NATS KV, held by compare-and-set on the key's
 * revision: taking it needs the key absent or expired, renewing it needs the
 * revision we wrote last, so when two processes race only one wins, and a
 * holder that was overtaken learns it at its next renewal.
 */
export class Lease {
    kv;
    key;
    ttlMs;
    owner = randomUUID();
    revision = 0;
    constructor(kv, key, ttlMs) {
        this.kv = kv;
        this.key = key;
        this.ttlMs = ttlMs;
    }
    static async open(nc, key, ttlMs = 10_000, bucket = 'seqline_leases', replicas = 1) {
        return new Lease(await new Kvm(nc).create(bucket, { history: 1, replicas }), key, ttlMs);
    }
    /** Takes the lease if it is free or expired; true when this process holds it now. */
    async acquire(now = Date.now()) {
        const entry = await this.kv.get(this.key);
        const current = entry && entry.operation === 'PUT' && entry.length > 0 ? entry.json() : null;
        if (current && current.owner !== this.owner && current.until > now)
            return false;
        const value = JSON.stringify({ owner: this.owner, until: now + this.ttlMs });
        try {
            this.revision = entry ? await this.kv.update(this.key, value, entry.revision) : await this.kv.create(this.key, value);
            return true;
        }
        catch {
            return false;
        }
    }
    /** Extends the lease; false when someone else holds it now (this process must stop acting on it). */
    async renew(now = Date.now()) {
        try {
            this.revision = await this.kv.update(this.key, JSON.stringify({ owner: this.owner, until: now + this.ttlMs }), this.revision);
            return true;
        }
        catch {
            return false;
        }
    }
    /** Gives the lease up at once, so a standby need not wait for it to expire. */
    async release() {
        await this.kv.update(this.key, JSON.stringify({ owner: this.owner, until: 0 }), this.revision).catch(() => undefined);
    }
}
//# sourceMappingURL=lease.js.map