import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor } from '../../core/log/index.js'
import { readRecord } from '../../projections/runtime/index.js'

/** A webhook as stored: what the platform PUT, and what Seqline keeps beside it. */
export interface WebhookConfig {
  name: string
  url: string
  /** Event types delivered, or ["*"] for every type. */
  events: string[]
  secret: string
  /** How long a batch is retried before it is parked. */
  maxAgeSeconds: number
  /** Fixed at creation: a webhook deleted and created again starts afresh (its own checkpoint and parked batches). */
  generation: string
  createdAt: number
  updatedAt: number
  /** The end of the log when it was created: delivery starts after it. */
  startAt: Cursor
  /** The last replay asked for; the deliverer takes it up once. */
  replay?: { id: string; from: Cursor; at: number }
}

/** The last failure of a webhook's deliveries, written by the process that delivers it, read by any. */
export interface WebhookStatus {
  lastError: { message: string; at: number } | null
}

const BUCKET = 'seqline_webhooks'
const hookKey = (name: string) => `hook.${name}`
const statusKey = (name: string) => `status.${name}`

/** Webhook configurations in NATS KV: every Seqline process watches them and applies changes without a restart. */
export class WebhookStore {
  private constructor(readonly kv: KV) {}

  static async open(nc: NatsConnection, replicas = 1): Promise<WebhookStore> {
    return new WebhookStore(await new Kvm(nc).create(BUCKET, { history: 1, replicas }))
  }

  get(name: string): Promise<WebhookConfig | undefined> {
    return readRecord<WebhookConfig>(this.kv, hookKey(name))
  }

  async put(config: WebhookConfig): Promise<void> {
    await this.kv.put(hookKey(config.name), JSON.stringify(config))
  }

  async delete(name: string): Promise<void> {
    await this.kv.delete(hookKey(name))
    await this.kv.delete(statusKey(name))
  }

  async list(): Promise<WebhookConfig[]> {
    const names: string[] = []
    for await (const key of await this.kv.keys('hook.>')) names.push(key.slice('hook.'.length))
    const configs = await Promise.all(names.sort().map((n) => this.get(n)))
    return configs.filter((c): c is WebhookConfig => c !== undefined)
  }

  async status(name: string): Promise<WebhookStatus> {
    return (await readRecord<WebhookStatus>(this.kv, statusKey(name))) ?? { lastError: null }
  }

  async setStatus(name: string, status: WebhookStatus): Promise<void> {
    await this.kv.put(statusKey(name), JSON.stringify(status))
  }

  /** Calls back with every configuration now stored, then with each change (undefined: deleted), in order, until stopped. */
  async watch(changed: (name: string, config: WebhookConfig | undefined) => Promise<void>): Promise<{ stop(): Promise<void> }> {
    const watcher = await this.kv.watch({ key: 'hook.>' })
    const loop = (async () => {
      for await (const e of watcher) {
        const name = e.key.slice('hook.'.length)
        await changed(name, e.operation === 'PUT' && e.length > 0 ? e.json<WebhookConfig>() : undefined)
      }
    })()
    return {
      async stop() {
        watcher.stop()
        await loop.catch(() => undefined)
      },
    }
  }
}
