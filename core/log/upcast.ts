import { EVENT_VERSION, type EventType, type SeqlineEvent } from '../../schemas/index.js'

/**
 * Steps that lift a stored event from version v to v+1, by event type. Events
 * are never rewritten in the log; readers lift them on the way out, so every
 * event ever written stays readable after its schema grows. Empty while every
 * type is at version 1.
 */
export type Upcaster = (data: unknown) => unknown
const UPCASTERS: Partial<Record<EventType, Record<number, Upcaster>>> = {}

export function upcast(
  event: SeqlineEvent,
  upcasters: Partial<Record<EventType, Record<number, Upcaster>>> = UPCASTERS,
  current: Record<EventType, number> = EVENT_VERSION,
): SeqlineEvent {
  const target = current[event.type]
  if (event.v === target) return event
  if (event.v > target) {
    throw new Error(`event ${event.conv}#${event.seq} has ${event.type} v${event.v}, newer than this Seqline reads (v${target})`)
  }
  let data: unknown = event.data
  for (let v = event.v; v < target; v++) {
    const step = upcasters[event.type]?.[v]
    if (!step) throw new Error(`no upcaster for ${event.type} from v${v} to v${v + 1}`)
    data = step(data)
  }
  return { ...event, data, v: target } as SeqlineEvent
}
