import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { readRecord } from '../runtime/index.js'

/** Days each kind of conversation keeps its content, or null for as long as the log lasts. */
interface RetentionDefaults {
  direct: number | null
  group: number | null
}

const KEY = 'retention'
const NO_RETENTION: RetentionDefaults = { direct: null, group: null }

/** The per-kind retention defaults, set at runtime by the admin API and read by every sweep. */
export class RetentionSettings {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket = 'seqline_settings', replicas = 1): Promise<RetentionSettings> {
    return new RetentionSettings(await new Kvm(nc).create(bucket, { history: 1, replicas }))
  }

  async get(): Promise<RetentionDefaults> {
    return { ...NO_RETENTION, ...(await readRecord<RetentionDefaults>(this.kv, KEY)) }
  }

  async set(defaults: RetentionDefaults): Promise<void> {
    await this.kv.put(KEY, JSON.stringify(defaults))
  }
}
