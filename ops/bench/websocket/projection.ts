// The conversations projection as `npm start` runs it — a ProcessorRunner
// following the log into the views — over a benchmark's own log and bucket,
// in whichever process calls this: the API's, or one of its own so that its
// CPU can be told apart from the API's.
import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../../core/log/index.js'
import { conversationsProjection } from '../../../projections/conversations/index.js'
import type { Lag } from '../../../projections/runtime/index.js'
import { openProjector, ViewStore } from '../../../projections/runtime/index.js'
import { untilCaughtUp } from '../shared/catch-up.js'

export interface BenchProjection {
  /** Until the views reflect the whole log, committed: sockets seed their memberships from them. */
  settle(): Promise<void>
  lag(): Promise<Lag>
  stop(): Promise<void>
}

const SETTLE_POLL_MS = 20
const SETTLE_TIMEOUT_MS = 120_000

export async function startBenchProjection(nc: NatsConnection, log: EventLog, bucket: string): Promise<BenchProjection> {
  const store = await ViewStore.open(nc, bucket)
  // Named after the bucket: its commits are the ones ConversationViews(bucket, bucket) reads its reach from.
  const runner = await openProjector(log, store, conversationsProjection(log, bucket))
  await runner.start()
  return {
    async settle() {
      await untilCaughtUp(runner, SETTLE_POLL_MS, SETTLE_TIMEOUT_MS)
      // Caught up is counted on what was applied; the views hold it only once flushed.
      await runner.flush()
    },
    lag: () => runner.lag(),
    async stop() {
      try {
        await runner.stop()
      } finally {
        runner.close()
      }
    },
  }
}
