import { type EventLog, erasedLinkOf } from '../../core/log/index.js'

/**
 * Burn after read, and a recall with erase: erases the message and every
 * edit of it from JetStream for good (secure delete: overwritten, not merely unlinked).
 * Every erasure goes through here. Before an event goes, its record for the
 * hash chain (its link form: no text, no salt) is kept, so the chain still
 * verifies across the hole; kept first and deleted second, a crash between
 * the two leaves the event and a record that matches it.
 * Idempotent: what is already gone is skipped, so a replay or a second
 * instance does no harm.
 */
export async function eraseMessage(log: EventLog, conv: string, target: number, edits: number[]): Promise<number> {
  let erased = 0
  for (const seq of [target, ...edits]) {
    const [stored] = await log.read(conv, { from: seq, limit: 1 })
    if (!stored || stored.event.seq !== seq) continue
    const record = erasedLinkOf(stored.event)
    if (record !== null) await log.keepErased(conv, seq, record)
    if (await log.erase(conv, stored.streamSeq)) erased++
  }
  return erased
}
