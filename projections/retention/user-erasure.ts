import { randomBytes } from 'node:crypto'
import { AckPolicy, DeliverPolicy, type JetStreamManager, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { type NatsConnection, nanos } from '@nats-io/transport-node'
import type { CommandHandler } from '../../core/commands/index.js'
import { until } from '../../core/index.js'
import type { EventLog } from '../../core/log/index.js'
import type { ConversationViews } from '../conversations/index.js'
import { type Logger, silentLogger } from '../runtime/index.js'
import { AUDIT_STREAM, type AuditLog, type AuditRecord, subjectOf } from './audit-log.js'
import { eraseMessages, messagesFrom } from './erasure-commands.js'

/** What one user erasure erased: per conversation, the messages whose content it named in tombstones. */
export interface ErasureSummary {
  user: string
  conversations: Array<{ conv: string; messages: number }>
  messages: number
}

const WORKER = 'user-erasure'
/** A request is redelivered to another worker if this one says nothing for this long (it says something after every conversation). */
const ACK_WAIT_MS = 60_000
const RETRY_MS = 5_000

export interface UserErasureOptions {
  /** How long an erasure waits for the views to reach the log's end, so that every conversation of the user is known. */
  caughtUpMs?: number
  logger?: Logger
}

/**
 * Erasing a user: the request is recorded first, durably, in the audit log;
 * a worker (a durable consumer of the requests, any number of processes)
 * erases every message the user sent in every conversation they belong or
 * belonged to, with tombstones (`content.erased`, reason user-erasure), and
 * records the completion with what it erased. A process that dies half-way
 * never acknowledged the request: it is delivered again and finished, and
 * what was already erased is passed over.
 */
export class UserErasure {
  private messages: { stop(): void } | null = null
  private running: Promise<void> = Promise.resolve()
  private readonly caughtUpMs: number
  private readonly logger: Logger

  constructor(
    private readonly log: EventLog,
    private readonly views: ConversationViews,
    private readonly handler: CommandHandler,
    private readonly audit: AuditLog,
    opts: UserErasureOptions = {},
  ) {
    this.caughtUpMs = opts.caughtUpMs ?? 30_000
    this.logger = opts.logger ?? silentLogger
  }

  /** Records a request to erase a user; the worker carries it out. Returns the request id. */
  static async request(audit: AuditLog, user: string): Promise<string> {
    const id = randomBytes(16).toString('base64url')
    await audit.append({ id, action: 'user.erasure-requested', user })
    return id
  }

  /** Starts taking requests: those left unfinished by a process that died come first. */
  async start(nc: NatsConnection): Promise<void> {
    const jsm = await jetstreamManager(nc)
    await ensureWorker(jsm)
    const consumer = await jetstream(nc).consumers.get(AUDIT_STREAM, WORKER)
    const messages = await consumer.consume({ max_messages: 1 })
    this.messages = messages
    this.running = (async () => {
      for await (const m of messages) await this.take(m)
    })()
  }

  async stop(): Promise<void> {
    this.messages?.stop()
    await this.running
  }

  private async take(m: JsMsg): Promise<void> {
    const request = m.json<AuditRecord>()
    try {
      if (!(await this.audit.find('user.erasure-completed', request.id))) {
        const summary = await this.erase(String(request.user), request.id, () => m.working())
        await this.audit.append({ id: request.id, action: 'user.erasure-completed', ...summary })
      }
      m.ack()
    } catch (err) {
      this.logger.error({ processor: WORKER, request: request.id, err }, 'user erasure failed; it will be tried again')
      m.nak(RETRY_MS)
    }
  }

  /** Erases every message the user sent, everywhere; idempotent. */
  async erase(user: string, request: string, progress: () => void = () => {}): Promise<ErasureSummary> {
    await this.viewsCaughtUp()
    const conversations: ErasureSummary['conversations'] = []
    for (const conv of Object.keys(await this.views.conversationsOf(user)).sort()) {
      const mine: number[] = []
      for await (const m of messagesFrom(this.log, conv, 1)) if (m.actor === user) mine.push(m.seq)
      const erasure = { reason: 'user-erasure' as const, user, request }
      conversations.push({ conv, messages: await eraseMessages(this.handler, conv, mine, erasure, `erase-${request}`) })
      progress()
    }
    return { user, conversations, messages: conversations.reduce((n, c) => n + c.messages, 0) }
  }

  /** The views know every conversation the user was in as of now only once they reach the log's end. */
  private async viewsCaughtUp(): Promise<void> {
    const ends = await this.log.end()
    const reached = async () => ((await this.views.reaches(ends)) ? true : undefined)
    await until(reached, {
      timeoutMs: this.caughtUpMs,
      everyMs: 50,
      timedOut: () => new Error(`the views did not reach the log's end in ${this.caughtUpMs} ms`),
    })
  }
}

async function ensureWorker(jsm: JetStreamManager): Promise<void> {
  const config = {
    durable_name: WORKER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: subjectOf('user.erasure-requested', '*'),
    ack_wait: nanos(ACK_WAIT_MS),
    max_deliver: -1,
  }
  await jsm.consumers.info(AUDIT_STREAM, WORKER).catch(() => jsm.consumers.add(AUDIT_STREAM, config))
}
