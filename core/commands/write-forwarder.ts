import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import type { ValidCommand } from '../../schemas/index.js'
import { NO_REPLY, Replies } from '../log/index.js'
import type { HandleResult } from './command-handler.js'
import { decodeReply, encodeRequest, errorOf, type ForwardedReply, writesSubject } from './forwarded.js'

/**
 * How long a forwarded command waits for its writer before this process
 * handles it itself: a writer's usual time (before-hooks answer in 1 s by
 * default, 10 s at most) is well under it, and the writer drops a command
 * whose turn comes later, so the two never both run one.
 */
const DEFAULT_TIMEOUT_MS = 5_000

/** After a writer left a command unanswered, its partition's commands are handled here for this long: a hung writer costs one wait, not one per command. */
const QUIET_MS = 30_000

/** Nobody writes the partition now (no process holds it, or its holder just went): the command is handled here. */
class NoWriterError extends Error {
  override readonly name = 'NoWriterError'
}

/** No answer: the writer's deadline passed (`hung`), or this connection dropped or came back while it waited. */
class UnansweredError extends Error {
  override readonly name = 'UnansweredError'

  constructor(
    message: string,
    readonly hung: boolean,
  ) {
    super(message)
  }
}

/** This process is closing: what it still sends is handled here. */
class ForwarderClosedError extends Error {
  override readonly name = 'ForwarderClosedError'
}

/** Handles a command in this process, never forwarding it (the handler's own path). */
type HandleHere = (command: ValidCommand, abandoned?: AbortSignal) => Promise<HandleResult>

/** What became of the commands this process forwarded: answered by their writer, or handled here for want of one, or of its answer. */
export interface ForwardStats {
  answered: number
  no_writer: number
  unanswered: number
}

export interface ForwarderOptions {
  /** Whether this process writes the partition itself. */
  writesHere(partition: number): boolean
  partitionOf(conv: string): number
  timeoutMs?: number
  /** Told when a partition's writer left a command unanswered, and its commands are handled here for a while. */
  onQuiet?(partition: number, reason: string): void
}

/**
 * Sends a command to the process that writes its conversation's partition
 * (a PartitionWriter) and answers with what that process answered. When no
 * process writes it, or its writer does not answer in time, the command is
 * handled here, as every process did before writes had owners: the command's
 * id makes that safe should the writer have handled it after all (the second
 * is answered as a duplicate), and the log's optimistic concurrency keeps
 * two writers of one conversation from ever storing two events at one seq.
 */
export class WriteForwarder {
  private readonly replies: Replies
  private readonly timeoutMs: number
  /** Partitions whose writer left a command unanswered, until when their commands are handled here. */
  private readonly quietUntil = new Map<number, number>()
  readonly stats: ForwardStats = { answered: 0, no_writer: 0, unanswered: 0 }

  constructor(
    nc: NatsConnection,
    private readonly here: HandleHere,
    private readonly opts: ForwarderOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.replies = new Replies(nc, {
      timeout: (reason) => new UnansweredError(reason === NO_REPLY ? 'the writer did not answer in time' : reason, reason === NO_REPLY),
      closed: (message) => new ForwarderClosedError(`forwarder ${message}`),
    })
  }

  /** The command's answer from the process writing its partition; undefined when that is this process, or its writer went quiet. */
  forward(command: ValidCommand, abandoned?: AbortSignal): Promise<HandleResult> | undefined {
    const partition = this.opts.partitionOf(command.conv)
    if (this.opts.writesHere(partition) || (this.quietUntil.get(partition) ?? 0) > Date.now()) return undefined
    return this.send(partition, command, abandoned)
  }

  close(): void {
    this.replies.close()
  }

  private async send(partition: number, command: ValidCommand, abandoned?: AbortSignal): Promise<HandleResult> {
    let reply: ForwardedReply
    try {
      const request = encodeRequest({ command, waitMs: this.timeoutMs })
      reply = await this.replies.request(writesSubject(partition), request, undefined, this.timeoutMs, readReply)
    } catch (err) {
      if (err instanceof NoWriterError) this.stats.no_writer++
      else if (err instanceof UnansweredError) this.unanswered(partition, err)
      else if (!(err instanceof ForwarderClosedError)) throw err
      return this.here(command, abandoned)
    }
    this.stats.answered++
    if ('error' in reply) throw errorOf(reply.error)
    return reply.result
  }

  private unanswered(partition: number, err: UnansweredError): void {
    this.stats.unanswered++
    // A dropped connection is not the writer's doing: the next command is forwarded again.
    if (!err.hung) return
    if ((this.quietUntil.get(partition) ?? 0) <= Date.now()) this.opts.onQuiet?.(partition, err.message)
    this.quietUntil.set(partition, Date.now() + QUIET_MS)
  }
}

function readReply(data: Uint8Array, headers: MsgHdrs | undefined): ForwardedReply {
  // A status-only reply (503): no subscription on the subject, so no process writes the partition now.
  if (data.length === 0 && headers?.code) throw new NoWriterError(`no process writes the partition (status ${headers.code})`)
  return decodeReply(data)
}
