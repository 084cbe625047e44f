import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node'
import type { CommandHandler } from './command-handler.js'
import { decodeCommand, encodeReply, type ForwardedReply, kindOf, writesSubject } from './forwarded.js'

/** The queue group of every partition's writers: should two processes briefly both hold one, each command still reaches only one. */
const QUEUE = 'seqline-writers'

/**
 * Writes one partition for the whole deployment: takes the commands other
 * processes forward for its conversations and handles them here. With one
 * process writing each conversation, its cached state is always current, so
 * its appends do not lose races to other processes' and read the log back.
 * Run under a partition lease (a runner of PartitionShares); while a lease
 * changes hands both processes may write, which the log's optimistic
 * concurrency keeps safe as it always did.
 */
export class PartitionWriter {
  private sub: Subscription | null = null

  constructor(
    private readonly nc: NatsConnection,
    private readonly handler: CommandHandler,
    readonly partition: number,
  ) {}

  async start(): Promise<void> {
    this.sub = this.nc.subscribe(writesSubject(this.partition), { queue: QUEUE, callback: (_err, msg) => void this.serve(msg) })
  }

  /** Takes no more commands; those already taken are still answered. */
  async stop(): Promise<void> {
    const sub = this.sub
    this.sub = null
    if (sub && !this.nc.isClosed()) sub.unsubscribe()
  }

  private async serve(msg: Msg): Promise<void> {
    const reply = await this.handled(msg.data)
    try {
      msg.respond(encodeReply(reply))
    } catch {
      // This connection closed while the command ran: the forwarding process gives up waiting and handles the command itself.
    }
  }

  private async handled(data: Uint8Array): Promise<ForwardedReply> {
    try {
      return { result: await this.handler.handleHere(decodeCommand(data)) }
    } catch (err) {
      return { error: { kind: kindOf(err), message: (err as Error).message } }
    }
  }
}
