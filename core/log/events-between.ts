import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import type { SeqlineEvent } from '../../schemas/index.js'
import { decodeEvent } from './codec.js'
import type { EventLog } from './event-log.js'

const BATCH = 256
/** How long a fetch waits for a message that may not come (every remaining message of the window erased). */
const EMPTY_FETCH_MS = 1_000

/** Every event of the log stored from `since` on and written up to `until` (see EventLog.eventsBetween). */
export function eventsBetween(log: EventLog, since: number, until?: number): AsyncGenerator<SeqlineEvent> {
  return log.eventsBetween(since, until)
}

/**
 * The events of one partition stream stored from `since` on and written up to
 * `until`, in log order (so in seq order within each conversation). The stream
 * is read up to its last message as it stood when the read reached it, so a
 * read of a busy log still ends.
 */
export async function* streamEventsBetween(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  since: number,
  until?: number,
): AsyncGenerator<SeqlineEvent> {
  const { state } = await jsm.streams.info(stream)
  // Nothing stored since `since`: skip, rather than wait on a consumer with nothing to deliver.
  if (state.messages === 0 || Date.parse(state.last_ts) < since) return
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(since).toISOString(),
    inactive_threshold: 30_000,
  })
  try {
    for (;;) {
      const batch = await consumer.fetch({ max_messages: BATCH, expires: EMPTY_FETCH_MS })
      let delivered = 0
      for await (const m of batch) {
        delivered++
        const event = decodeEvent(m.data)
        // Stream time (where the consumer starts) and event time come from different clocks.
        if (until !== undefined && event.at > until) return
        if (event.at >= since) yield event
        if (m.info.pending === 0 || m.seq >= state.last_seq) return
      }
      if (delivered === 0) return
    }
  } finally {
    await consumer.delete().catch(() => undefined)
  }
}
