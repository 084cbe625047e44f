import type { CommandHandler } from '../../core/commands/index.js'
import { accepted } from './log.js'

/** Most users one invitation names (the command's schema). */
const PER_INVITE = 1000

/** `count` user ids: prefix0, prefix1, ... */
export const usersNamed = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`)

/**
 * Adds users to a group or channel through the real command path: invites of
 * 1,000 (the most one command names), all handed to the handler at once, so
 * its per-conversation queue runs them back to back with no round trip of the
 * caller between them. Returns the time it took.
 */
export async function invited(handler: CommandHandler, conv: string, inviter: string, users: readonly string[]): Promise<number> {
  const started = performance.now()
  const batches: Array<Promise<unknown>> = []
  for (let i = 0; i < users.length; i += PER_INVITE) {
    const batch = users.slice(i, i + PER_INVITE)
    batches.push(accepted(handler, { type: 'group.invite', id: `invite-${conv}-${i}`, conv, actor: inviter, data: { users: batch } }))
  }
  await Promise.all(batches)
  return performance.now() - started
}

/** Each user marks the conversation read up to `upTo`, through the command path, many in flight at a time. Returns the time it took. */
export async function readBy(handler: CommandHandler, conv: string, users: readonly string[], upTo: number, window = 1000): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < users.length; i += window) {
    await Promise.all(
      users.slice(i, i + window).map((user) => accepted(handler, { type: 'conversation.read', id: `read-${user}-${upTo}`, conv, actor: user, data: { upTo } })),
    )
  }
  return performance.now() - started
}
