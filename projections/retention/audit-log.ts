import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream'
import { type NatsConnection, nanos } from '@nats-io/transport-node'
import { ensureStream, streamMessages } from '../../core/log/index.js'

export const AUDIT_STREAM = 'SEQLINE_AUDIT'
const SUBJECT = 'seqline.audit'

/** What an admin did that an auditor must be able to see: never a message's text, only who, what, and how much. */
export type AuditAction = 'retention.defaults-set' | 'user.erasure-requested' | 'user.erasure-completed' | 'user.exported'

export interface AuditRecord {
  /** The request this record belongs to: an erasure's request and its completion share it. */
  id: string
  action: AuditAction
  at: number
  /** Who asked: the service credential (the only credential of the admin API). */
  actor: 'service'
  [detail: string]: unknown
}

/**
 * Admin actions — retention defaults set, users erased, users exported — in a
 * JetStream stream of their own, apart from the conversations' logs: they are
 * about users, not conversations, and must outlive what they erased. Nothing
 * ever deletes from it or purges it. A record's subject names its action and
 * request, so a request's completion is one direct get away.
 */
export class AuditLog {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  static async open(nc: NatsConnection, replicas = 1): Promise<AuditLog> {
    const jsm = await jetstreamManager(nc)
    const config = {
      name: AUDIT_STREAM,
      description: 'Seqline admin actions: retention defaults, user erasures and exports',
      subjects: [`${SUBJECT}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      num_replicas: replicas,
      duplicate_window: nanos(120_000),
      allow_direct: true,
      deny_delete: true,
      deny_purge: true,
    }
    await ensureStream(jsm, config)
    return new AuditLog(jetstream(nc), jsm)
  }

  /** Appends a record once: the same action of the same request again is a duplicate, not a second record. */
  async append(record: Omit<AuditRecord, 'at' | 'actor'> & { at?: number }): Promise<AuditRecord> {
    const full = { ...record, at: record.at ?? Date.now(), actor: 'service' } as AuditRecord
    await this.js.publish(subjectOf(full.action, full.id), JSON.stringify(full), { msgID: `${full.action}.${full.id}` })
    return full
  }

  /** The record of one action of one request, or null. */
  async find(action: AuditAction, id: string): Promise<AuditRecord | null> {
    const m = await this.jsm.direct.getMessage(AUDIT_STREAM, { last_by_subj: subjectOf(action, id) })
    return m ? m.json<AuditRecord>() : null
  }

  /** Every record, oldest first, up to the last one stored when the read began. */
  async *records(): AsyncGenerator<AuditRecord> {
    for await (const m of streamMessages(this.js, this.jsm, AUDIT_STREAM)) yield m.json<AuditRecord>()
  }
}

export const subjectOf = (action: AuditAction, id: string) => `${SUBJECT}.${action}.${id}`
