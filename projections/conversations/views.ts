import { Kvm, type KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { readPrefix, readRecord } from '../runtime/view-store.js'
import { inbox, type InboxRow } from './inbox.js'
import { keys } from './keys.js'
import { receipt, type Receipt } from './receipts.js'
import type { BurnRecord, HeadRecord, MembersRecord } from './records.js'

export const CONVERSATIONS_BUCKET = 'seqline_conversations'

/** The query side of the conversations projection, reading KV directly (any process, any number of them). */
export class ConversationViews {
  private constructor(
    readonly nc: NatsConnection,
    readonly kv: KV,
    readonly bucket: string,
  ) {}

  static async open(nc: NatsConnection, bucket = CONVERSATIONS_BUCKET): Promise<ConversationViews> {
    return new ConversationViews(nc, await new Kvm(nc).create(bucket, { history: 1 }), bucket)
  }

  inbox(user: string): Promise<InboxRow[]> {
    return inbox(this.kv, user)
  }

  receipt(conv: string, seq: number): Promise<Receipt> {
    return receipt(this.nc, this.kv, this.bucket, conv, seq)
  }

  head(conv: string): Promise<HeadRecord | undefined> {
    return readRecord<HeadRecord>(this.kv, keys.head(conv))
  }

  members(conv: string): Promise<MembersRecord | undefined> {
    return readRecord<MembersRecord>(this.kv, keys.members(conv))
  }

  /** Every conversation with burn-after-read messages not yet burned, by key. */
  burns(): Promise<Map<string, BurnRecord>> {
    return readPrefix<BurnRecord>(this.nc, this.bucket, keys.duePrefix)
  }
}
