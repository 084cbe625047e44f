import type { CommandHandler } from '../../core/commands/index.js'
import type { EventLog } from '../../core/log/index.js'
import { type CommandOf, ERASED_PER_TOMBSTONE, type EventOf, ownCommand, SYSTEM_ACTOR } from '../../schemas/index.js'

const PAGE = 500

/**
 * The messages of a conversation whose content the log still holds, from seq
 * `from` up to its head, in seq order. Erased seqs are holes the pages skip.
 */
export async function* messagesFrom(log: EventLog, conv: string, from: number): AsyncGenerator<EventOf<'message.sent'>> {
  const { seq: head } = await log.head(conv)
  for (let at = Math.max(1, from); at <= head; at += PAGE) {
    for (const { event } of await log.read(conv, { from: at, limit: Math.min(PAGE, head - at + 1) })) {
      if (event.type === 'message.sent') yield event
    }
  }
}

/** An erasure's reason and what it goes by, without its targets (each branch of the union on its own). */
type Erasure = CommandOf<'content.erase'>['data'] extends infer D ? (D extends unknown ? Omit<D, 'targets'> : never) : never

/**
 * Erases messages through the command handler, ERASED_PER_TOMBSTONE to a
 * tombstone. A batch's id is made from its first and last message, so a
 * batch issued again (a retried sweep, a resumed erasure) is the same command
 * and writes nothing twice; a batch that differs is a new command, and what
 * was erased meanwhile is passed over by the decider.
 * Returns how many messages the tombstones name.
 */
export async function eraseMessages(handler: CommandHandler, conv: string, seqs: readonly number[], erasure: Erasure, idPrefix: string): Promise<number> {
  let named = 0
  for (let i = 0; i < seqs.length; i += ERASED_PER_TOMBSTONE) {
    const targets = seqs.slice(i, i + ERASED_PER_TOMBSTONE)
    const data = { ...erasure, targets } as CommandOf<'content.erase'>['data']
    const r = await handler.handle(ownCommand({ type: 'content.erase', id: `${idPrefix}-${targets[0]}-${targets.at(-1)}`, conv, actor: SYSTEM_ACTOR, data }))
    if (!r.ok) throw new Error(`${conv}: erasing ${targets.length} messages from seq ${targets[0]} was refused: ${JSON.stringify(r)}`)
    if (r.event?.type === 'content.erased') named += r.event.data.targets.length
  }
  return named
}
