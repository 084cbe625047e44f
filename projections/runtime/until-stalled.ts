/**
 * A read over a consumer that delivers nothing for this long is given up: a
 * prefix read counts its records when it starts, and a consumer that never
 * delivers them (recreated past them, or its stream lost its leader) would
 * hold its caller (a burn pass, a request) for ever. The caller's next attempt
 * reads afresh.
 */
const STALL_MS = 5_000

export class ReadStalledError extends Error {
  override readonly name = 'ReadStalledError'
}

/** What a read needs of nats.js's ConsumerMessages: its messages, and a way to end them. */
interface Messages<M> extends AsyncIterable<M> {
  stop(): void
}

/**
 * Hands each message to `take` until it says the read is done; throws
 * ReadStalledError when `stallMs` pass without a message, or when the messages
 * end first (the read would otherwise return part of what it counted).
 */
export async function untilStalled<M>(messages: Messages<M>, what: string, take: (m: M) => boolean, stallMs = STALL_MS): Promise<void> {
  let heard = Date.now()
  let stalled = false
  const watch = setInterval(
    () => {
      if (Date.now() - heard < stallMs) return
      stalled = true
      messages.stop()
    },
    Math.max(10, stallMs / 5),
  )
  let done = false
  try {
    for await (const m of messages) {
      heard = Date.now()
      done = take(m)
      if (done) break
    }
  } finally {
    clearInterval(watch)
    messages.stop()
  }
  if (!done) throw new ReadStalledError(`${what}: ${stalled ? `nothing delivered for ${stallMs} ms` : 'the messages ended'} before the last record`)
}
