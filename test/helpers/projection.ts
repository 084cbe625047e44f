import type { NatsConnection } from '@nats-io/transport-node'
import { until } from '../../core/index.js'
import type { EventLog } from '../../core/log/index.js'
import { conversationsProjection, openBurnEraser } from '../../projections/conversations/index.js'
import type { Lag, ProcessorRunner } from '../../projections/runtime/index.js'
import { openProjector, ViewStore } from '../../projections/runtime/index.js'

/** The log and the NATS connection beside it, where views live. */
export interface LogAndConnection {
  nc: NatsConnection
  log: EventLog
}

/** The conversations projector on its own bucket and the burn-erase reactor beside it, as Seqline runs them. */
export interface RunningProjection {
  readonly projector: ProcessorRunner
  readonly eraser: ProcessorRunner
  readonly error: unknown
  /** The larger lag of the two. */
  lag(): Promise<Lag>
  flush(): Promise<void>
  rebuild(): Promise<void>
  stop(): Promise<void>
  close(): void
}

/** A conversations projection on its own bucket (and its burn-erase reactor), started; the projector commits every `commitMs`. */
export async function startProjection({ nc, log }: LogAndConnection, name: string, commitMs = 20): Promise<RunningProjection> {
  const projector = await openProjector(log, await ViewStore.open(nc, name), conversationsProjection(log, name), { flushIntervalMs: commitMs })
  const eraser = await openBurnEraser(nc, log, { name: `${name}_burn_erase`, flushIntervalMs: 20 })
  await projector.start()
  await eraser.start()
  const both = [projector, eraser]
  return {
    projector,
    eraser,
    get error() {
      return projector.error ?? eraser.error
    },
    async lag() {
      const [a, b] = await Promise.all(both.map((r) => r.lag()))
      return { events: Math.max(a!.events, b!.events), seconds: Math.max(a!.seconds, b!.seconds) }
    },
    flush: async () => void (await Promise.all(both.map((r) => r.flush()))),
    rebuild: () => projector.rebuild(),
    stop: async () => void (await Promise.all(both.map((r) => r.stop()))),
    close: () => {
      for (const r of both) r.close()
    },
  }
}

/** Waits until the runner (or the projection and its reactor) has applied everything in the log and committed it (bounded). */
export async function caughtUp(runner: ProcessorRunner | RunningProjection, timeoutMs = 20_000): Promise<void> {
  const applied = async () => {
    if (runner.error) throw runner.error
    return (await runner.lag()).events === 0 ? true : undefined
  }
  const name = 'processor' in runner ? runner.processor.name : runner.projector.processor.name
  const timedOut = async () => new Error(`projection ${name} still behind after ${timeoutMs} ms: ${JSON.stringify(await runner.lag())}`)
  await until(applied, { timeoutMs, everyMs: 20, timedOut })
  await runner.flush()
}
