import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog, Followed } from '../../core/log/index.js'
import type { Processor } from '../runtime/index.js'
import { reactor } from '../runtime/index.js'
import { eraseMessage } from './erase.js'

export const BURN_ERASER = 'burn-erase'

/**
 * The burn-erase reactor: a burn tombstone, a recall with erase, or an
 * erasure tombstone (retention, user erasure) erases each message it names
 * and every edit of it from JetStream. Erasing is idempotent
 * (what is gone is skipped), so events seen again after a crash do no harm.
 */
export function burnEraser(nc: NatsConnection, log: EventLog, name = BURN_ERASER, replicas = 1): Promise<Processor<null>> {
  return reactor(nc, { name, handles: ['message.burned', 'message.recalled', 'content.erased'], react: (f) => erase(log, f) }, replicas)
}

async function erase(log: EventLog, { event: e }: Followed): Promise<void> {
  if (e.type === 'message.recalled' && e.data.erase) await eraseMessage(log, e.conv, e.data.target, e.data.edits ?? [])
  if (e.type === 'content.erased') for (const t of e.data.targets) await eraseMessage(log, e.conv, t.seq, t.edits ?? [])
  if (e.type === 'message.burned') await eraseMessage(log, e.conv, e.data.target, e.data.edits ?? (await editsBefore(log, e.conv, e.data.target, e.seq)))
}

/**
 * The edits of a message, found in the log between it and its tombstone: a
 * tombstone names them only when there were some (and not at all when it was
 * written before tombstones named them).
 */
async function editsBefore(log: EventLog, conv: string, target: number, tombstone: number): Promise<number[]> {
  if (tombstone - target <= 1) return []
  const between = await log.read(conv, { from: target + 1, limit: tombstone - target - 1 })
  return between.flatMap(({ event }) => (event.type === 'message.edited' && event.data.target === target ? [event.seq] : []))
}
