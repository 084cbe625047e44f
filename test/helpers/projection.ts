import { setTimeout as sleep } from 'node:timers/promises'
import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../core/log/index.js'
import { conversationsProjection } from '../../projections/conversations/apply.js'
import { ProjectionRunner } from '../../projections/runtime/runner.js'
import { ViewStore } from '../../projections/runtime/view-store.js'

/** The log and the NATS connection beside it, where views live. */
export interface LogAndConnection {
  nc: NatsConnection
  log: EventLog
}

/** A conversations projection on its own bucket, started. */
export async function startProjection({ nc, log }: LogAndConnection, name: string): Promise<ProjectionRunner> {
  const store = await ViewStore.open(nc, name)
  const runner = await ProjectionRunner.create(log, store, conversationsProjection(log, name), { flushIntervalMs: 20 })
  await runner.start()
  return runner
}

/** Waits until the runner has applied everything in the log and committed it (bounded). */
export async function caughtUp(runner: ProjectionRunner, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (runner.error) throw runner.error
    if ((await runner.lag()).events === 0) {
      await runner.flush()
      return
    }
    await sleep(20)
  }
  throw new Error(`projection ${runner.projection.name} still behind after ${timeoutMs} ms: ${JSON.stringify(await runner.lag())}`)
}
