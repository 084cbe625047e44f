import { DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
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
 * `until`, in log order (so in seq order within each conversation).
 */
export async function* streamEventsBetween(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  since: number,
  until?: number,
): AsyncGenerator<SeqlineEvent> {
  for await (const m of streamMessages(js, jsm, stream, since)) {
    const event = decodeEvent(m.data)
    // Stream time (where the consumer starts) and event time come from different clocks.
    if (until !== undefined && event.at > until) return
    if (event.at >= since) yield event
  }
}

/**
 * The messages of a stream, all of them or those stored from `since` (ms) on,
 * in stream order. The stream is read up to its last message as it stood when
 * the read reached it, so a read of a busy stream still ends.
 */
export async function* streamMessages(js: JetStreamClient, jsm: JetStreamManager, stream: string, since?: number): AsyncGenerator<JsMsg> {
  const { state } = await jsm.streams.info(stream)
  // Nothing stored (since `since`): skip, rather than wait on a consumer with nothing to deliver.
  if (state.messages === 0 || (since !== undefined && Date.parse(state.last_ts) < since)) return
  const start =
    since === undefined ? { deliver_policy: DeliverPolicy.All } : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(since).toISOString() }
  const consumer = await js.consumers.get(stream, { ...start, inactive_threshold: 30_000 })
  try {
    for (;;) {
      const batch = await consumer.fetch({ max_messages: BATCH, expires: EMPTY_FETCH_MS })
      let delivered = 0
      for await (const m of batch) {
        delivered++
        yield m
        if (m.info.pending === 0 || m.seq >= state.last_seq) return
      }
      if (delivered === 0) return
    }
  } finally {
    await consumer.delete().catch(() => undefined)
  }
}
