// Open-loop load at a fixed rate: a token bucket refilled by a timer. Tokens
// follow the clock, not the ticks, so late ticks (a busy event loop) are made
// up; the bucket holds a tenth of a second, so a longer stall lowers the rate
// achieved instead of turning into a burst. In-flight commands are capped, so
// a system slower than the target shows as a lower achieved rate.
export interface PacedRun {
  issued: number
  /** From the first issue to the last completion. */
  seconds: number
}

const TICK_MS = 5

export function paced(rate: number, seconds: number, window: number, task: (i: number) => Promise<void>): Promise<PacedRun> {
  const capacity = Math.max(1, rate / 10)
  const start = performance.now()
  let last = start
  let lastDone = start
  let tokens = 0
  let issued = 0
  let inFlight = 0
  let stopped = false
  let failure: unknown = null
  return new Promise<PacedRun>((resolve, reject) => {
    const settle = () => {
      if (!stopped || inFlight > 0) return
      if (failure) reject(failure)
      else resolve({ issued, seconds: (lastDone - start) / 1000 })
    }
    const issue = () => {
      const i = issued++
      inFlight++
      task(i)
        .then(
          () => void (lastDone = performance.now()),
          (err: unknown) => void (failure ??= err),
        )
        .finally(() => {
          inFlight--
          settle()
        })
    }
    const timer = setInterval(() => {
      const now = performance.now()
      tokens = Math.min(capacity, tokens + ((now - last) / 1000) * rate)
      last = now
      if (failure || now - start >= seconds * 1000) {
        stopped = true
        clearInterval(timer)
        return settle()
      }
      for (; tokens >= 1 && inFlight < window; tokens--) issue()
    }, TICK_MS)
  })
}
