import { randomBytes } from 'node:crypto'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { PushTargetBody } from '../../schemas/index.js'

const PUSH_BUCKET = 'seqline_push'
const KEY = 'target'

/**
 * The push target as stored: what the admin API set, when, and the
 * generation of deliveries it belongs to. The generation stays while the
 * target is changed and is new after a delete: a target set again starts at
 * the log's end, never with the pushes of the time there was none.
 */
export interface StoredPushTarget extends PushTargetBody {
  updatedAt: number
  generation: string
}

/** The one push target of a deployment, in NATS KV: every process sees a change at once, no restart. */
export class PushTargets {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, replicas = 1): Promise<PushTargets> {
    return new PushTargets(await new Kvm(nc).create(PUSH_BUCKET, { history: 1, replicas }))
  }

  /** The target of a deployment read without creating anything (for the doctor): null when none was ever set. */
  static async peek(nc: NatsConnection): Promise<StoredPushTarget | null> {
    try {
      return await new PushTargets(await new Kvm(nc).open(PUSH_BUCKET)).get()
    } catch {
      // No bucket yet: Seqline has never started on this NATS, so no target was ever set.
      return null
    }
  }

  async get(): Promise<StoredPushTarget | null> {
    const e = await this.kv.get(KEY)
    return e?.operation === 'PUT' ? e.json<StoredPushTarget>() : null
  }

  async put(body: PushTargetBody): Promise<{ target: StoredPushTarget; created: boolean }> {
    const before = await this.get()
    const target = { ...body, updatedAt: Date.now(), generation: before?.generation ?? randomBytes(6).toString('hex') }
    await this.kv.put(KEY, JSON.stringify(target))
    return { target, created: before === null }
  }

  /** True when there was a target to delete. */
  async delete(): Promise<boolean> {
    if (!(await this.get())) return false
    await this.kv.delete(KEY)
    return true
  }

  /** Calls `changed` with the target now and after every change (null: none), in order, until the returned stop. */
  async watch(changed: (target: StoredPushTarget | null) => Promise<void>): Promise<() => void> {
    const watch = await this.kv.watch({ key: KEY })
    let none = true
    const done = (async () => {
      for await (const e of watch) {
        none = false
        await changed(e.operation === 'PUT' ? e.json<StoredPushTarget>() : null)
      }
    })()
    // An empty bucket sends nothing: the first state is "no target".
    if ((await this.kv.status()).values === 0 && none) await changed(null)
    return () => {
      watch.stop()
      void done
    }
  }
}
