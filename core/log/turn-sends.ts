import type { NatsConnection } from '@nats-io/transport-node'

/**
 * Age of a turn's oldest queued send at which the next send hands the whole
 * queue over at once. A turn that runs long (a poll phase reading hundreds of
 * sockets under load) would otherwise hold every append until it ends, and a
 * conversation's writes, each after the last one's PubAck, would manage one
 * per turn; with sends arriving all through the turn, it writes about once per
 * this much of its work instead. A send with none after it still waits for
 * the turn's end.
 */
const HOLD_MS = 1

/**
 * The sends of one event-loop turn on a connection, handed to nats.js together
 * after the turn's I/O callbacks. nats.js writes its socket once per microtask
 * checkpoint that sent, and each HTTP request or socket frame runs in a
 * callback (and checkpoint) of its own: an append or direct get per request
 * was a write syscall per request, and each write wakes nats-server. One
 * queue per connection, because Node runs the microtasks between any two
 * `setImmediate` callbacks: two queues would still be two writes. Order holds
 * among the sends queued here; what is sent through nats.js directly leaves
 * at once.
 */
export class TurnSends {
  /** The hold (HOLD_MS); a test that counts the writes of a whole turn lengthens it, so a pause of the machine does not split the turn. */
  holdMs = HOLD_MS
  private queued: (() => void)[] = []
  private firstAt = 0
  private scheduled = false

  /** Queues `send` behind the sends queued before it, for the end of this turn, or hands the queue over now if its oldest is holdMs old. */
  add(send: () => void): void {
    if (this.queued.push(send) === 1) this.firstAt = performance.now()
    else if (performance.now() - this.firstAt >= this.holdMs) {
      this.run()
      return
    }
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(this.atTurnEnd)
  }

  private readonly atTurnEnd = (): void => {
    this.scheduled = false
    this.run()
  }

  private run(): void {
    const turn = this.queued
    this.queued = []
    for (const send of turn) sendAlone(send)
  }
}

/**
 * A send that throws must neither stop the sends queued behind it (they would
 * wait for their deadlines) nor land in the caller whose add() handed the queue
 * over: it is rethrown on its own, as an uncaught error.
 */
function sendAlone(send: () => void): void {
  try {
    send()
  } catch (err) {
    queueMicrotask(() => {
      throw err
    })
  }
}

const queues = new WeakMap<NatsConnection, TurnSends>()

/** The connection's queue: every part sending on it shares the turn's write. */
export function turnSendsOf(nc: NatsConnection): TurnSends {
  let queue = queues.get(nc)
  if (!queue) {
    queue = new TurnSends()
    queues.set(nc, queue)
  }
  return queue
}
