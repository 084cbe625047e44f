import type { EventLog } from '../../core/log/index.js'

/**
 * Burn after read, and a recall with erase: erases the message and every
 * edit of it from JetStream for good (secure delete: overwritten, not merely unlinked).
 * Idempotent: what is already gone is skipped, so a replay or a second
 * instance does no harm.
 */
export async function eraseMessage(log: EventLog, conv: string, target: number, edits: number[]): Promise<number> {
  let erased = 0
  for (const seq of [target, ...edits]) {
    const [stored] = await log.read(conv, { from: seq, limit: 1 })
    if (!stored || stored.event.seq !== seq) continue
    if (await log.erase(conv, stored.streamSeq)) erased++
  }
  return erased
}
