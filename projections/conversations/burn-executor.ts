import type { CommandHandler } from '../../core/commands/index.js'
import { ownCommand, SYSTEM_ACTOR } from '../../schemas/index.js'
import { type Logger, type Loop, repeat, silentLogger } from '../runtime/index.js'
import { decodeConv } from './keys.js'
import type { ConversationViews } from './views.js'

export interface BurnExecutorOptions {
  /** How often the schedule is read; a burn happens at most this long after it is due. */
  intervalMs?: number
  clock?: () => number
  logger?: Logger
}

/**
 * Burns what is due. The schedule is derived from the log (the projection
 * records each burn-after-read message and the read that starts its clock), so
 * it survives restarts, and a burn that fell due while everything was down
 * happens on the first pass. The tombstone is a command with a fixed id per
 * message: however many executors run, the log gets one `message.burned`; the
 * burn-erase reactor then erases the content.
 */
export class BurnExecutor {
  private loop: Loop | null = null
  private readonly intervalMs: number
  private readonly clock: () => number
  private readonly logger: Logger
  burned = 0

  constructor(
    private readonly views: ConversationViews,
    private readonly handler: CommandHandler,
    opts: BurnExecutorOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1000
    this.clock = opts.clock ?? Date.now
    this.logger = opts.logger ?? silentLogger
  }

  /** Passes over the schedule now and then every intervalMs; a failed pass is logged and the next one tries again. */
  start(): void {
    this.loop = repeat(async () => void (await this.pass()), this.intervalMs, this.logger, { processor: 'burn-executor' }, 0)
  }

  async stop(): Promise<void> {
    await this.loop?.stop()
    this.loop = null
  }

  /** One pass over the schedule: burns every item due by now. Returns how many burns were issued. */
  async pass(): Promise<number> {
    const now = this.clock()
    let issued = 0
    for (const [key, record] of await this.views.burns()) {
      const conv = decodeConv(key.slice(2))
      for (const item of record.items) {
        if (item.dueAt === undefined || item.dueAt > now) continue
        const data = item.edits.length ? { target: item.seq, edits: item.edits } : { target: item.seq }
        const r = await this.handler.handle(ownCommand({ type: 'message.burn', id: `burn-${item.seq}`, conv, actor: SYSTEM_ACTOR, data }))
        if (r.ok) issued++
      }
    }
    this.burned += issued
    return issued
  }
}
