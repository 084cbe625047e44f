import type { Cursor, EventLog } from '../../core/log/index.js'

export interface Lag {
  /** Events in the log beyond the position. */
  events: number
  /** Age of the oldest of them; 0 when caught up. */
  seconds: number
}

/** How far a log position is behind the log (in `only` these partitions); partitions are asked at once, each dated as it answers. */
export async function lagBehind(log: EventLog, position: Cursor, only?: readonly number[]): Promise<Lag> {
  const partitions = only ?? Array.from({ length: log.partitions }, (_, p) => p)
  const parts = await Promise.all(partitions.map((p) => partitionLag(log, p, position[p] ?? 0)))
  return {
    events: parts.reduce((sum, part) => sum + part.events, 0),
    seconds: Math.max(0, ...parts.map((part) => part.seconds)),
  }
}

async function partitionLag(log: EventLog, p: number, done: number): Promise<Lag> {
  const last = (await log.partitionInfo(p)).lastStreamSeq
  if (last <= done) return { events: 0, seconds: 0 }
  const next = await log.firstAfter(p, done)
  const seconds = next ? Math.max(0, (Date.now() - next.event.at) / 1000) : 0
  return { events: last - done, seconds }
}
