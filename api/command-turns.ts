import { Histogram, Registry } from 'prom-client'

/** From 0.1 ms: most commands find their conversation idle, and their wait belongs in the first bucket. */
const TURN_SECONDS = [0.0001, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * How long each command handled in this process waited for the earlier work
 * of its conversation: commands (one at a time per conversation, since each
 * appends on the head the previous one's ack gave) and the state reads the
 * handler serves. In a registry of its own, which the
 * API exposes beside its own: the handler is built before the API.
 */
export class CommandTurns {
  readonly registry = new Registry()
  private readonly waits = new Histogram({
    name: 'seqline_command_turn_wait_seconds',
    help: "Time each command handled here (REST, WebSocket, forwarded, or the process's own burns and erasures) waited for the earlier work of its conversation",
    buckets: TURN_SECONDS,
    registers: [this.registry],
  })

  /** The handler's `onTurn`. */
  readonly observe = (waitedMs: number): void => {
    this.waits.observe(waitedMs / 1000)
  }
}
