import type { Logger } from './logger.js'

export interface Loop {
  /** Ends the loop after the step in progress, if any. */
  stop(): Promise<void>
}

/**
 * Runs step() again and again, one at a time, waiting between runs what
 * step() returns (or everyMs). A step that throws is logged and the loop goes
 * on: a loop that serves a process must outlive any one failure.
 */
export function repeat(step: () => Promise<number | undefined>, everyMs: number, logger: Logger, fields: object, firstAfterMs = everyMs): Loop {
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> = Promise.resolve()
  const run = () => {
    timer = null
    running = step()
      .then(
        (next) => next ?? everyMs,
        (err: unknown) => {
          logger.error({ ...fields, err }, 'step failed')
          return everyMs
        },
      )
      .then((next) => {
        if (!stopped) timer = setTimeout(run, next)
      })
  }
  timer = setTimeout(run, firstAfterMs)
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}

/**
 * How long to wait before attempt `failures + 1` after that many failures in a row:
 * doubling from baseMs up to maxMs, with "equal jitter" (half fixed, half random)
 * so that processes that failed together do not retry together.
 */
export function backoff(failures: number, baseMs: number, maxMs = 10_000, random = Math.random): number {
  const ceiling = Math.min(Math.max(maxMs, baseMs), baseMs * 2 ** Math.max(0, failures - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
