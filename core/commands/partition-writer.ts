import { setTimeout as sleep } from 'node:timers/promises'
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node'
import { validateCommand } from '../../schemas/index.js'
import { type TurnSends, turnSendsOf } from '../log/index.js'
import type { CommandHandler } from './command-handler.js'
import { decodeRequest, encodeReply, type ForwardedReply, kindOf, writesSubject } from './forwarded.js'

/** The queue group of every partition's writers: should two processes briefly both hold one, each command still reaches only one. */
const QUEUE = 'seqline-writers'

/** A forwarded command whose turn comes this close to its sender giving up is dropped: the sender is about to handle it itself. */
const MARGIN_MS = 250

/** How long stop() waits for the commands already taken to be answered. */
const STOP_WAIT_MS = 10_000

/**
 * Writes one partition's contended conversations for the whole deployment:
 * takes the commands other processes forward for them (see WriteForwarder)
 * and handles them here, so they no longer race each other's appends. Run
 * under a partition lease (a runner of PartitionShares); while a lease changes
 * hands, or a forwarding process handles a command itself, two processes may
 * write one conversation, which the log's optimistic concurrency keeps safe
 * as it always did. A forwarded command is validated again: the subject is
 * open to whatever may publish on NATS.
 */
export class PartitionWriter {
  private sub: Subscription | null = null
  private readonly serving = new Set<Promise<void>>()
  private readonly turn: TurnSends

  constructor(
    private readonly nc: NatsConnection,
    private readonly handler: CommandHandler,
    readonly partition: number,
  ) {
    this.turn = turnSendsOf(nc)
  }

  async start(): Promise<void> {
    this.sub = this.nc.subscribe(writesSubject(this.partition), { queue: QUEUE, callback: (_err, msg) => this.take(msg) })
    // Held once the server has the subscription: until then a forwarded command would find no writer.
    await this.nc.flush()
  }

  /** Takes no more commands, and waits (bounded) for those already taken to be answered. */
  async stop(): Promise<void> {
    const sub = this.sub
    this.sub = null
    if (!sub || this.nc.isClosed()) return
    sub.unsubscribe()
    await Promise.race([Promise.allSettled(this.serving), sleep(STOP_WAIT_MS)])
  }

  private take(msg: Msg): void {
    const serving = this.serve(msg).finally(() => this.serving.delete(serving))
    this.serving.add(serving)
  }

  private async serve(msg: Msg): Promise<void> {
    const reply = encodeReply(await this.handled(msg.data))
    // With the turn's other sends, in one write.
    this.turn.add(() => {
      try {
        msg.respond(reply)
      } catch {
        // This connection closed while the command ran: the forwarding process gives up waiting and handles the command itself.
      }
    })
  }

  private async handled(data: Uint8Array): Promise<ForwardedReply> {
    try {
      const { command, waitMs } = decodeRequest(data)
      const v = validateCommand(command)
      if (!v.ok) return { result: { ok: false, reason: 'invalid', errors: v.errors } }
      const giveUpAt = Date.now() + waitMs - MARGIN_MS
      return {
        result: await this.handler.handleHere(v.value, {
          get aborted() {
            return Date.now() >= giveUpAt
          },
        }),
      }
    } catch (err) {
      return { error: { kind: kindOf(err), message: (err as Error).message } }
    }
  }
}
