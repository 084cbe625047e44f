import type { KV } from '@nats-io/kv'

/**
 * The keys of a KV bucket matching `filter`, or an error after `timeoutMs`.
 * nats.js ends a key listing when it sees the last pending message or an idle
 * heartbeat; when keys are purged while the listing runs, the message it waits
 * for is gone and no heartbeat comes, so an unbounded listing can wait forever.
 * A caller that lists again later (a sweep, a poll) loses nothing by the error.
 */
export async function listKeys(kv: KV, filter = '>', timeoutMs = 5000): Promise<string[]> {
  const iter = await kv.keys(filter)
  const timer = setTimeout(() => iter.stop(new Error(`listing the keys ${filter} took over ${timeoutMs} ms`)), timeoutMs)
  try {
    const keys: string[] = []
    for await (const key of iter) keys.push(key)
    return keys
  } finally {
    clearTimeout(timer)
  }
}
