// The WebSocket benchmark's server side in one process, by role: `all` runs
// the API with the conversations projection beside it (as `npm start` does),
// `api` the API alone and `projection` the projection alone, for when each has
// a process of its own. The same whether that process is the benchmark's own
// (`--ws-api inline`) or a child (ws-api-process.ts).
import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../../core/log/index.js'
import { type Secrets, startBenchApi } from './api.js'
import { startBenchProjection } from './projection.js'

export type ServerRole = 'all' | 'api' | 'projection'

export interface BenchServer {
  /** The API's URL; empty for the projection alone. */
  url: string
  /** Until the views reflect the whole log; at once where the projection does not run (its own process is asked). */
  settle(): Promise<void>
  stop(): Promise<void>
}

export async function startBenchServer(role: ServerRole, nc: NatsConnection, log: EventLog, bucket: string, secrets: Secrets): Promise<BenchServer> {
  const projection = role === 'api' ? undefined : await startBenchProjection(nc, log, bucket)
  try {
    // Beside the projection, the API reports the projection's own lag; alone, it reads the views' reach.
    const api = role === 'projection' ? undefined : await startBenchApi(nc, log, bucket, secrets, projection?.lag)
    return {
      url: api?.url ?? '',
      settle: async () => projection?.settle(),
      async stop() {
        try {
          await api?.stop()
        } finally {
          await projection?.stop()
        }
      },
    }
  } catch (err) {
    await projection?.stop()
    throw err
  }
}
