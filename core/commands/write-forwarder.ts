import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node'
import type { ValidCommand } from '../../schemas/index.js'
import { NO_REPLY, Replies } from '../log/index.js'
import type { HandleResult } from './command-handler.js'
import { decodeReply, encodeCommand, errorOf, type ForwardedReply, writesSubject } from './forwarded.js'

/**
 * How long a forwarded command waits for its writer before this process
 * handles it itself: past a writer's usual time (a before-hook answers in 1 s
 * by default), and short of a client's own timeout, so a writer that hangs
 * still leaves the command answered while its client waits.
 */
const DEFAULT_TIMEOUT_MS = 5_000

/** Nobody writes the partition now (no process holds it, or its holder just went): the command is handled here. */
class NoWriterError extends Error {
  override readonly name = 'NoWriterError'
}

class UnansweredError extends Error {
  override readonly name = 'UnansweredError'
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
}

/**
 * Sends each command to the process that writes its conversation's partition
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
  readonly stats: ForwardStats = { answered: 0, no_writer: 0, unanswered: 0 }

  constructor(
    nc: NatsConnection,
    private readonly here: HandleHere,
    private readonly opts: ForwarderOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.replies = new Replies(nc, {
      timeout: (reason) => new UnansweredError(reason === NO_REPLY ? 'the writer did not answer in time' : reason),
      closed: (message) => new UnansweredError(`forwarder ${message}`),
    })
  }

  /** The command's answer from the process writing its partition; undefined when that is this process. */
  forward(command: ValidCommand, abandoned?: AbortSignal): Promise<HandleResult> | undefined {
    const partition = this.opts.partitionOf(command.conv)
    if (this.opts.writesHere(partition)) return undefined
    return this.send(partition, command, abandoned)
  }

  close(): void {
    this.replies.close()
  }

  private async send(partition: number, command: ValidCommand, abandoned?: AbortSignal): Promise<HandleResult> {
    let reply: ForwardedReply
    try {
      reply = await this.replies.request(writesSubject(partition), encodeCommand(command), undefined, this.timeoutMs, readReply)
    } catch (err) {
      if (!(err instanceof NoWriterError || err instanceof UnansweredError)) throw err
      this.stats[err instanceof NoWriterError ? 'no_writer' : 'unanswered']++
      return this.here(command, abandoned)
    }
    this.stats.answered++
    if ('error' in reply) throw errorOf(reply.error)
    return reply.result
  }
}

function readReply(data: Uint8Array, headers: MsgHdrs | undefined): ForwardedReply {
  // A status-only reply (503): no subscription on the subject, so no process writes the partition now.
  if (data.length === 0 && headers?.code) throw new NoWriterError(`no process writes the partition (status ${headers.code})`)
  return decodeReply(data)
}
