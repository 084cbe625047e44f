import { randomBytes, randomUUID } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor, EventLog, Followed } from '../../core/log/index.js'
import { CommitLog, committedCursor, EVERY_EVENT, type Lag, type Logger, lagBehind, silentLogger } from '../../projections/runtime/index.js'
import type { EventType } from '../../schemas/index.js'
import type { DelivererSet, ParkedDelivery, ParkedStore } from '../delivery/index.js'
import { positionAt } from './position-at.js'
import { type WebhookConfig, WebhookStore } from './store.js'

/** What the platform PUTs. */
export interface WebhookSpec {
  url: string
  events: string[]
  secret: string
  maxAgeSeconds?: number
}

/** A webhook as operators see it: never its secret. */
export interface WebhookState {
  name: string
  url: string
  events: string[]
  maxAgeSeconds: number
  createdAt: number
  updatedAt: number
  /** The position delivered (or parked) and checkpointed, per partition. */
  position: Cursor
  lag: Lag
  lastError: { message: string; at: number } | null
  parked: ParkedDelivery[]
}

const DEFAULT_MAX_AGE_SECONDS = 24 * 3600

const delivererName = (c: Pick<WebhookConfig, 'name' | 'generation'>) => `webhook-${c.name}-${c.generation}`

/**
 * Webhooks: configured at runtime in NATS KV, each delivered by a durable
 * deliverer (see integrations/delivery) that every Seqline process watches
 * for, and exactly one runs (under its lease). A change takes effect at once
 * in every process: a new or changed webhook (re)starts from its checkpoint,
 * a deleted one stops.
 */
export class Webhooks {
  private watching: { stop(): Promise<void> } | null = null

  private constructor(
    private readonly nc: NatsConnection,
    private readonly log: EventLog,
    readonly store: WebhookStore,
    private readonly parked: ParkedStore,
    private readonly deliverers: DelivererSet | null,
    private readonly logger: Logger,
  ) {}

  /** Without a deliverer set the webhooks are only administered here (an API process that delivers nothing). */
  static async open(
    nc: NatsConnection,
    log: EventLog,
    parked: ParkedStore,
    deliverers: DelivererSet | null,
    opts: { replicas?: number; logger?: Logger } = {},
  ): Promise<Webhooks> {
    return new Webhooks(nc, log, await WebhookStore.open(nc, opts.replicas), parked, deliverers, opts.logger ?? silentLogger)
  }

  /** Starts delivering every stored webhook, and follows changes. */
  async start(): Promise<void> {
    const set = this.deliverers
    if (!set) return
    this.watching = await this.store.watch(async (name, config) => {
      const running = set.names().find((n) => n.startsWith(`webhook-${name}-`))
      if (running && (!config || running !== delivererName(config))) await set.remove(running)
      if (config) await set.put('webhook', name, this.options(config)).catch((err: unknown) => this.logger.error({ webhook: name, err }, 'webhook not started'))
    })
  }

  private options(config: WebhookConfig) {
    const all = config.events.includes('*')
    const handles = all ? EVERY_EVENT : new Set(config.events as EventType[])
    return {
      name: delivererName(config),
      url: config.url,
      secret: config.secret,
      handles,
      startAt: config.startAt,
      select: (f: Followed) => f.event,
      body: (events: unknown[], delivery: string) => JSON.stringify({ webhook: config.name, delivery, events }),
      replay: config.replay ? { id: config.replay.id, from: config.replay.from } : undefined,
      retry: { maxAgeMs: config.maxAgeSeconds * 1000 },
      // The last error is shared through KV, so GET on any process shows it; never the secret.
      onError: (lastError: WebhookState['lastError']) =>
        void this.store.setStatus(config.name, { lastError }).catch((err: unknown) => this.logger.warn({ webhook: config.name, err }, 'status not stored')),
    }
  }

  async stop(): Promise<void> {
    await this.watching?.stop()
  }

  /** Creates or changes a webhook; true when it is new. */
  async put(name: string, spec: WebhookSpec): Promise<{ state: WebhookState; created: boolean }> {
    const existing = await this.store.get(name)
    const now = Date.now()
    const config: WebhookConfig = {
      name,
      url: spec.url,
      events: [...spec.events],
      secret: spec.secret,
      maxAgeSeconds: spec.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS,
      generation: existing?.generation ?? randomBytes(4).toString('hex'),
      createdAt: existing?.createdAt ?? now,
      startAt: existing?.startAt ?? (await this.log.end()),
      updatedAt: now,
      ...(existing?.replay ? { replay: existing.replay } : {}),
    }
    await this.store.put(config)
    return { state: await this.stateOf(config), created: !existing }
  }

  async get(name: string): Promise<WebhookState | undefined> {
    const config = await this.store.get(name)
    return config && this.stateOf(config)
  }

  async list(): Promise<WebhookState[]> {
    return Promise.all((await this.store.list()).map((c) => this.stateOf(c)))
  }

  /** Deletes a webhook: its deliverer stops in every process, its checkpoint and parked batches are forgotten. */
  async delete(name: string): Promise<boolean> {
    const config = await this.store.get(name)
    if (!config) return false
    await this.store.delete(name)
    await this.parked.forget(delivererName(config))
    const commits = await CommitLog.open(this.nc, delivererName(config))
    await commits.reset().finally(() => commits.close())
    return true
  }

  /** Re-delivers from a time (ms) or a position: the deliverer is restarted there. Undefined when there is no such webhook. */
  async replay(name: string, from: number | Cursor): Promise<{ id: string; from: Cursor } | undefined> {
    const config = await this.store.get(name)
    if (!config) return undefined
    const position = typeof from === 'number' ? await positionAt(this.nc, this.log, from) : from
    const replay = { id: randomUUID(), from: position, at: Date.now() }
    await this.store.put({ ...config, replay })
    return { id: replay.id, from: position }
  }

  private async stateOf(config: WebhookConfig): Promise<WebhookState> {
    const jsm = await jetstreamManager(this.nc)
    const position = (await committedCursor(jsm, delivererName(config))) ?? (await this.log.end())
    const [lag, status, parked] = await Promise.all([lagBehind(this.log, position), this.store.status(config.name), this.parked.list(delivererName(config))])
    return {
      name: config.name,
      url: config.url,
      events: config.events,
      maxAgeSeconds: config.maxAgeSeconds,
      createdAt: config.createdAt,
      updatedAt: config.updatedAt,
      position,
      lag,
      lastError: status.lastError,
      parked,
    }
  }
}
