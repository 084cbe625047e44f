import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { listKeys } from '../../core/index.js'
import { readRecord } from '../../projections/runtime/index.js'
import type { HookSettings, HookView } from '../../schemas/index.js'

/** A hook as stored: its settings, the secret included, which never leaves Seqline. */
export interface HookRecord extends HookSettings {
  name: string
  createdAt: number
  updatedAt: number
}

const HOOKS_BUCKET = 'seqline_hooks'

/** The before-hooks the platform configured, one KV record per hook, shared by every Seqline process. */
export class HookStore {
  private constructor(readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket = HOOKS_BUCKET, replicas = 1): Promise<HookStore> {
    return new HookStore(await new Kvm(nc).create(bucket, { history: 1, replicas }))
  }

  /** The store if Seqline ever created it (for tools that look, and must not create it): undefined otherwise. */
  static async existing(nc: NatsConnection, bucket = HOOKS_BUCKET): Promise<HookStore | undefined> {
    try {
      const kv = await new Kvm(nc).open(bucket)
      // Opening does not look: asking for the status does, and fails for a bucket that does not exist.
      await kv.status()
      return new HookStore(kv)
    } catch {
      return undefined
    }
  }

  get(name: string): Promise<HookRecord | undefined> {
    return readRecord<HookRecord>(this.kv, name)
  }

  /** Every hook, in the order they run. */
  async list(): Promise<HookRecord[]> {
    const names = await listKeys(this.kv)
    const records = await Promise.all(names.map((name) => this.get(name)))
    return records.filter((r): r is HookRecord => r !== undefined).sort(runOrder)
  }

  /** Creates or replaces a hook; returns it and whether it is new. */
  async put(name: string, settings: HookSettings): Promise<{ record: HookRecord; created: boolean }> {
    const existing = await this.get(name)
    const now = Date.now()
    const record: HookRecord = { ...settings, name, createdAt: existing?.createdAt ?? now, updatedAt: now }
    await this.kv.put(name, JSON.stringify(record))
    return { record, created: !existing }
  }

  /** Removes a hook; answers with what was removed, undefined when there was none. */
  async delete(name: string): Promise<HookRecord | undefined> {
    const existing = await this.get(name)
    if (existing) await this.kv.delete(name)
    return existing
  }
}

/** Lowest order first, then by name: the defined order several hooks of one command run in. */
export function runOrder(a: HookRecord, b: HookRecord): number {
  return a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

/** What the API and `seqline doctor` show of a hook: everything but the secret. */
export function viewOf({ secret: _secret, ...view }: HookRecord): HookView {
  return view
}
