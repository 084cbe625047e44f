import type { ConversationState } from '../../core/domain/index.js'
import { membershipChange, reaches } from '../../core/domain/index.js'
import { conversationEvents, type EventLog } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'

/**
 * Which events reach a bot: those of conversations it is a member of when
 * they happen (the event that adds or removes it included), as they reach any
 * member (never another member's private events). Membership follows the log
 * as it passes; a conversation seen for the first time is looked up once: a
 * conversation whose head state never had the bot as a member is skipped at
 * once, otherwise its membership before the event is folded from its log.
 */
export class BotAudience {
  /** Per conversation, whether the bot is a member after the last event seen, and that event's seq. */
  private readonly member = new Map<string, { member: boolean; asOf: number }>()

  constructor(
    readonly bot: string,
    private readonly log: EventLog,
    private readonly stateOf: (conv: string) => Promise<ConversationState>,
  ) {}

  async reaches(event: SeqlineEvent): Promise<boolean> {
    const known = this.member.get(event.conv)
    // An event at or before what is known comes again after a restart from the checkpoint: asked afresh.
    const before = known && known.asOf < event.seq ? known.member : await this.memberBefore(event)
    const change = membershipChange(event)
    const after = change.added.includes(this.bot) ? true : change.removed.includes(this.bot) ? false : before
    this.member.set(event.conv, { member: after, asOf: event.seq })
    return (before || after) && reaches(event, this.bot)
  }

  private async memberBefore(event: SeqlineEvent): Promise<boolean> {
    if (event.seq <= 1) return false
    const head = await this.stateOf(event.conv)
    if (!head.members.has(this.bot) && !head.former.has(this.bot)) return false
    let member = false
    for await (const e of conversationEvents(this.log, event.conv, event.seq - 1)) {
      const change = membershipChange(e)
      if (change.added.includes(this.bot)) member = true
      if (change.removed.includes(this.bot)) member = false
    }
    return member
  }
}
