import { setTimeout as sleep } from 'node:timers/promises'
import { backoff } from '../../projections/runtime/index.js'
import { type PostOutcome, postSigned } from '../outbound/index.js'

export interface RetryPolicy {
  /** First pause after a failure; it doubles per failure in a row (with jitter) up to maxMs. */
  baseMs: number
  maxMs: number
  /** How long a batch is retried, from its first attempt, before it is parked. */
  maxAgeMs: number
  /** Each POST's time limit. */
  timeoutMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, maxMs: 30_000, maxAgeMs: 24 * 3600_000, timeoutMs: 10_000 }

export interface Attempt {
  url: string
  secret: string
  body: string
  delivery: string
}

export type AttemptsOutcome = { delivered: true; attempts: number } | { delivered: false; attempts: number; error: string }

/**
 * POSTs one batch until the receiver takes it (2xx) or the batch grows older
 * than maxAgeMs. A failure waits an exponential, jittered pause; the pause
 * ends early when `signal` aborts (the deliverer stops), which throws.
 */
export async function deliverWithRetries(
  attempt: Attempt,
  policy: RetryPolicy,
  signal: AbortSignal,
  onFailure: (outcome: Extract<PostOutcome, { ok: false }>, attempts: number) => void,
): Promise<AttemptsOutcome> {
  const firstAt = Date.now()
  for (let attempts = 1; ; attempts++) {
    signal.throwIfAborted()
    const outcome = await postSigned({ url: attempt.url, secret: attempt.secret, body: attempt.body, delivery: attempt.delivery, timeoutMs: policy.timeoutMs })
    if (outcome.ok) return { delivered: true, attempts }
    onFailure(outcome, attempts)
    const pause = backoff(attempts, policy.baseMs, policy.maxMs)
    if (Date.now() + pause - firstAt > policy.maxAgeMs) return { delivered: false, attempts, error: outcome.message }
    await sleep(pause, undefined, { signal })
  }
}
