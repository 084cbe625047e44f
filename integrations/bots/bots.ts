import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { ConversationState } from '../../core/domain/index.js'
import type { Cursor, EventLog, Followed } from '../../core/log/index.js'
import { type Logger, silentLogger } from '../../projections/runtime/index.js'
import type { DelivererSet } from '../delivery/index.js'
import { BotAudience } from './audience.js'

const CATCH_UP_MS = 5_000

/** A bot as its user record holds it. */
interface BotEndpoint {
  url: string
  secret: string
  since: Cursor
}

export interface BotsOptions {
  /** The KV bucket of registered users (api/auth's UserDirectory). */
  usersBucket: string
  /** The decider's state of a conversation (the command handler's), to skip conversations a bot was never in. */
  stateOf(conv: string): Promise<ConversationState>
  replicas?: number
  logger?: Logger
}

/**
 * Bots: users registered with `bot: {url, secret}`. Every process watches the
 * user directory, knows which users are bots (so the events they write are
 * marked `bot: true`), and runs each bot's deliverer under its lease: every
 * event of every conversation the bot belongs to goes to its URL, durably and
 * signed, exactly as a webhook's do.
 */
export class Bots {
  private readonly endpoints = new Map<string, BotEndpoint>()
  private watcher: { stop(): void } | null = null
  private loop: Promise<void> = Promise.resolve()

  private constructor(
    private readonly kv: KV,
    private readonly log: EventLog,
    private readonly deliverers: DelivererSet | null,
    private readonly opts: BotsOptions,
  ) {}

  static async open(nc: NatsConnection, log: EventLog, deliverers: DelivererSet | null, opts: BotsOptions): Promise<Bots> {
    return new Bots(await new Kvm(nc).create(opts.usersBucket, { history: 1, replicas: opts.replicas }), log, deliverers, opts)
  }

  /** Whether a user is a bot (as this process last heard). */
  readonly isBot = (user: string): boolean => this.endpoints.has(user)

  /** Applies every user record stored now, then follows changes; resolves once the stored ones are applied. */
  async start(): Promise<void> {
    const watcher = await this.kv.watch()
    this.watcher = watcher
    let initial!: () => void
    const caughtUp = new Promise<void>((resolve) => (initial = resolve))
    this.loop = (async () => {
      for await (const e of watcher) {
        const record = e.operation === 'PUT' && e.length > 0 ? e.json<{ bot?: BotEndpoint }>() : undefined
        await this.apply(e.key, record?.bot).catch((err: unknown) => (this.opts.logger ?? silentLogger).error({ bot: e.key, err }, 'bot not started'))
        if (e.delta === 0) initial()
      }
    })()
    // An empty directory has nothing to catch up on.
    if ((await this.kv.status()).values === 0) initial()
    // Bounded: a start never hangs on the directory; bots not yet applied are applied as the watch delivers them.
    const bounded = setTimeout(initial, CATCH_UP_MS)
    await caughtUp
    clearTimeout(bounded)
  }

  private async apply(user: string, bot: BotEndpoint | undefined): Promise<void> {
    const name = `bot-${user}`
    if (!bot) {
      this.endpoints.delete(user)
      await this.deliverers?.remove(name)
      return
    }
    this.endpoints.set(user, bot)
    const audience = new BotAudience(user, this.log, this.opts.stateOf)
    await this.deliverers?.put('bot', user, {
      name,
      url: bot.url,
      secret: bot.secret,
      startAt: bot.since,
      select: async (f: Followed) => ((await audience.reaches(f.event)) ? f.event : undefined),
      body: (events: unknown[], delivery: string) => JSON.stringify({ bot: user, delivery, events }),
    })
  }

  async stop(): Promise<void> {
    this.watcher?.stop()
    await this.loop.catch(() => undefined)
  }
}
