import { setTimeout as sleep } from 'node:timers/promises'

export interface UntilOptions {
  /** How long to keep polling before giving up. */
  timeoutMs: number
  /** The pause between two checks. */
  everyMs: number
  /** The error thrown once timeoutMs has passed: it should say how far things got. */
  timedOut: () => Error | Promise<Error>
}

/**
 * Polls `check` until it returns a value other than undefined, and returns
 * that value; for a condition, return `true` or undefined. `check` throws to
 * give up at once (a process that exited will never become ready).
 */
export async function until<T>(check: () => T | undefined | Promise<T | undefined>, { timeoutMs, everyMs, timedOut }: UntilOptions): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() >= deadline) throw await timedOut()
    await sleep(everyMs)
  }
}
