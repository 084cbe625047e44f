import type { NatsConnection } from '@nats-io/transport-node'

/**
 * Longest a send waits in the queue for its turn to end. A turn that runs long
 * (a poll phase reading hundreds of sockets under load) would otherwise hold
 * every append until it ends, and a conversation's writes, one after the
 * other's PubAck, would manage one per turn: sends past this age go at once,
 * so a long turn still writes once per this much of its work.
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
  private queued: (() => void)[] = []
  private firstAt = 0
  private scheduled = false

  /** Runs `send` (which must not throw) at the end of this turn, or now if the turn has held sends for HOLD_MS, after the sends queued before it. */
  add(send: () => void): void {
    if (this.queued.push(send) === 1) this.firstAt = performance.now()
    else if (performance.now() - this.firstAt >= HOLD_MS) return this.run()
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
    for (const send of turn) send()
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
