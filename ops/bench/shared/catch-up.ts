// Waiting for a projection to reach the head of its log, by polling lag():
// what an operator would watch, at the granularity they would see it.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Lag, ProcessorRunner } from '../../../projections/runtime/index.js'

/** Polls until lag().events is 0; returns the seconds waited. Throws if the runner failed or the deadline passed. */
export async function untilCaughtUp(runner: ProcessorRunner, pollMs: number, timeoutMs: number): Promise<number> {
  const start = performance.now()
  for (;;) {
    if (runner.error) throw runner.error
    const lag = await runner.lag()
    if (lag.events === 0) return (performance.now() - start) / 1000
    if (performance.now() - start > timeoutMs) {
      throw new Error(`projection ${runner.processor.name} still ${lag.events} events (${lag.seconds.toFixed(1)} s) behind after ${timeoutMs} ms`)
    }
    await sleep(pollMs)
  }
}

/** A lag() reading and how long the call took: its age figure includes that time. */
export interface LagSample extends Lag {
  callMs: number
}

/** Samples lag() every `everyMs` until stopped; one sample in flight at a time. */
export function sampleLag(runner: ProcessorRunner, everyMs: number): { stop(): Promise<LagSample[]> } {
  const samples: LagSample[] = []
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const t = performance.now()
      const lag = await runner.lag()
      const callMs = performance.now() - t
      samples.push({ ...lag, callMs })
      await sleep(Math.max(0, everyMs - callMs))
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      return samples
    },
  }
}
