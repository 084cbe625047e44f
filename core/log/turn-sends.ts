import type { NatsConnection } from '@nats-io/transport-node'

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

  /** Runs `send` (which must not throw) at the end of this turn, after the sends queued before it. */
  add(send: () => void): void {
    if (this.queued.push(send) === 1) setImmediate(this.run)
  }

  private readonly run = (): void => {
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
