import { until } from '../../core/until.js'
import type { EventLog } from '../../core/log/event-log.js'
import { conversationsProjection } from '../../projections/conversations/apply.js'
import { ProjectionRunner } from '../../projections/runtime/runner.js'
import { ViewStore } from '../../projections/runtime/view-store.js'

/** A conversations projection on its own bucket, started. */
export async function startProjection(log: EventLog, name: string): Promise<ProjectionRunner> {
  const store = await ViewStore.open(log.nc, name)
  const runner = await ProjectionRunner.create(log, store, conversationsProjection(log, name), { flushIntervalMs: 20 })
  await runner.start()
  return runner
}

/** Waits until the runner has applied everything in the log and committed it (bounded). */
export async function caughtUp(runner: ProjectionRunner, timeoutMs = 20_000): Promise<void> {
  const applied = async () => {
    if (runner.error) throw runner.error
    return (await runner.lag()).events === 0 ? true : undefined
  }
  const timedOut = async () => new Error(`projection ${runner.projection.name} still behind after ${timeoutMs} ms: ${JSON.stringify(await runner.lag())}`)
  await until(applied, { timeoutMs, everyMs: 20, timedOut })
  await runner.flush()
}
