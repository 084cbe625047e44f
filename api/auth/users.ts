import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { readRecord } from '../../projections/runtime/index.js'
import type { UserProfile } from '../../schemas/index.js'

export const USERS_BUCKET = 'seqline_users'

export interface UserRecord extends Omit<UserProfile, 'bot'> {
  /** A bot's endpoint, and the log position it was made a bot at (its deliveries start after it). */
  bot?: NonNullable<UserProfile['bot']> & { since: Record<number, number> }
  user: string
  registeredAt: number
  updatedAt: number
}

/** Users the platform registered, in a KV bucket of their own (profiles are not events of a conversation). */
export class UserDirectory {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket = USERS_BUCKET, replicas = 1): Promise<UserDirectory> {
    return new UserDirectory(await new Kvm(nc).create(bucket, { history: 1, replicas }))
  }

  get(user: string): Promise<UserRecord | undefined> {
    return readRecord<UserRecord>(this.kv, user)
  }

  /** Registers or updates a user; returns the record and whether it is new. */
  async put(user: string, profile: Omit<UserRecord, 'user' | 'registeredAt' | 'updatedAt'>): Promise<{ record: UserRecord; created: boolean }> {
    const existing = await this.get(user)
    const now = Date.now()
    const record = { ...existing, ...profile, user, registeredAt: existing?.registeredAt ?? now, updatedAt: now }
    await this.kv.put(user, JSON.stringify(record))
    return { record, created: !existing }
  }
}
