import { conversationEvents, type EventLog } from '../../core/log/index.js'
import type { EventOf } from '../../schemas/index.js'
import type { ConversationViews } from '../conversations/index.js'

/** One line of a user's export: a conversation they belong or belonged to, or one of their messages or edits as the log holds it. */
export type UserExportLine =
  | { kind: 'membership'; conv: string; conversation: 'direct' | 'group' | 'channel'; since: number; left?: number; leftAt?: number }
  | { kind: 'message'; event: EventOf<'message.sent'> | EventOf<'message.edited'> }

/**
 * Everything of a user's for a data-subject request: first their
 * memberships (current and former, with the seqs they joined and left at),
 * then, conversation by conversation in seq order, every message and edit
 * they sent whose content the log still holds. Produced as it is read.
 */
export async function* userExport(log: EventLog, views: ConversationViews, user: string): AsyncGenerator<UserExportLine> {
  const convs = Object.entries(await views.conversationsOf(user)).sort(([a], [b]) => (a < b ? -1 : 1))
  for (const [conv, c] of convs) {
    const conversation = (await views.head(conv))?.kind ?? (conv.startsWith('g_') ? 'group' : 'direct')
    yield { kind: 'membership', conv, conversation, since: c.since, ...(c.left === undefined ? {} : { left: c.left, leftAt: c.leftAt }) }
  }
  for (const [conv] of convs) {
    const { seq: head } = await log.head(conv)
    for await (const event of conversationEvents(log, conv, head)) {
      if ((event.type === 'message.sent' || event.type === 'message.edited') && event.actor === user) yield { kind: 'message', event }
    }
  }
}
