import { randomUUID } from 'node:crypto'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'

interface Holder {
  owner: string
  until: number
}

const LEASES_BUCKET = 'seqline_leases'

export function openLeases(nc: NatsConnection, bucket = LEASES_BUCKET, replicas = 1): Promise<KV> {
  return new Kvm(nc).create(bucket, { history: 1, replicas })
}

/**
 * An exclusive lease in NATS KV, held by compare-and-set on the key's
 * revision: taking it needs the key absent or expired, renewing it needs the
 * revision we wrote last, so when two processes race only one wins, and a
 * holder that was overtaken learns it at its next renewal.
 */
export class Lease {
  private revision = 0

  private constructor(
    private readonly kv: KV,
    readonly key: string,
    readonly ttlMs: number,
    /** Who holds it: one id per lease, or one per process for the leases of a partition share (see PartitionShares). */
    readonly owner: string,
  ) {}

  static async open(nc: NatsConnection, key: string, ttlMs = 10_000, bucket = LEASES_BUCKET, replicas = 1): Promise<Lease> {
    return new Lease(await openLeases(nc, bucket, replicas), key, ttlMs, randomUUID())
  }

  /** A lease in a bucket already open, held in the name of `owner`. */
  static in(kv: KV, key: string, ttlMs: number, owner: string): Lease {
    return new Lease(kv, key, ttlMs, owner)
  }

  /** Takes the lease if it is free or expired; true when this process holds it now. */
  async acquire(now = Date.now()): Promise<boolean> {
    const entry = await this.kv.get(this.key)
    const current = entry && entry.operation === 'PUT' && entry.length > 0 ? entry.json<Holder>() : null
    if (current && current.owner !== this.owner && current.until > now) return false
    const value = JSON.stringify({ owner: this.owner, until: now + this.ttlMs } satisfies Holder)
    try {
      this.revision = entry ? await this.kv.update(this.key, value, entry.revision) : await this.kv.create(this.key, value)
      return true
    } catch {
      return false
    }
  }

  /** Extends the lease; false when someone else holds it now (this process must stop acting on it). */
  async renew(now = Date.now()): Promise<boolean> {
    try {
      this.revision = await this.kv.update(this.key, JSON.stringify({ owner: this.owner, until: now + this.ttlMs } satisfies Holder), this.revision)
      return true
    } catch {
      return false
    }
  }

  /** Gives the lease up at once, so a standby need not wait for it to expire. */
  async release(): Promise<void> {
    await this.kv.update(this.key, JSON.stringify({ owner: this.owner, until: 0 } satisfies Holder), this.revision).catch(() => undefined)
  }
}
