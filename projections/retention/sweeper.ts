import type { CommandHandler } from '../../core/commands/index.js'
import { DAY_MS } from '../../core/domain/index.js'
import type { EventLog } from '../../core/log/index.js'
import type { ConversationRetention, ConversationViews } from '../conversations/index.js'
import { type Logger, type Loop, repeat, silentLogger } from '../runtime/index.js'
import type { RetentionSettings } from './defaults.js'
import { eraseMessages, messagesFrom } from './erasure-commands.js'

export interface SweeperOptions {
  /** How often the policies are applied: content outlives its policy by at most this long. */
  intervalMs?: number
  clock?: () => number
  logger?: Logger
}

/**
 * Applies the retention policies: in every conversation, the messages older
 * than its policy (its own, or its kind's default) are erased by tombstones
 * (`content.erased`, reason retention) written through the command handler;
 * the burn-erase reactor, the views and the history then erase them the way
 * a burn's are. Time, not an event, makes content due, so this is a loop like
 * the burn executor. Each conversation is read from where the last sweep's
 * tombstones left it, up to its first message young enough to keep. Any
 * number of processes may sweep: a batch is one command by id.
 */
export class RetentionSweeper {
  private loop: Loop | null = null
  private readonly intervalMs: number
  private readonly clock: () => number
  private readonly logger: Logger
  erased = 0

  constructor(
    private readonly log: EventLog,
    private readonly views: ConversationViews,
    private readonly handler: CommandHandler,
    private readonly settings: RetentionSettings,
    opts: SweeperOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 600_000
    this.clock = opts.clock ?? Date.now
    this.logger = opts.logger ?? silentLogger
  }

  /** Sweeps now and then every intervalMs; a failed sweep is logged and the next one tries again. */
  start(): void {
    this.loop = repeat(async () => void (await this.pass()), this.intervalMs, this.logger, { processor: 'retention-sweeper' }, 0)
  }

  async stop(): Promise<void> {
    await this.loop?.stop()
    this.loop = null
  }

  /** One sweep over every conversation; returns how many messages its tombstones name. */
  async pass(): Promise<number> {
    const now = this.clock()
    const defaults = await this.settings.get()
    let erased = 0
    for (const c of await this.views.retention()) {
      // A channel follows the default of groups.
      const days = c.days ?? defaults[c.kind === 'channel' ? 'group' : c.kind]
      if (days !== null && c.hasMessages) erased += await this.sweep(c, days, now - days * DAY_MS)
    }
    this.erased += erased
    return erased
  }

  private async sweep(c: ConversationRetention, days: number, before: number): Promise<number> {
    const old: number[] = []
    for await (const m of messagesFrom(this.log, c.conv, c.from)) {
      // Messages are in the order they were written: the first young one ends the old ones.
      if (m.at >= before) break
      old.push(m.seq)
    }
    if (old.length === 0) return 0
    return eraseMessages(this.handler, c.conv, old, { reason: 'retention', days, before }, 'retention')
  }
}
