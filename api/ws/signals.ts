import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node'
import { liveRoot } from '../../core/log/index.js'
import type { PresenceStatus } from '../../schemas/index.js'

/** Core NATS subjects of what is never logged, beside the log's subjects (`seqline.log` → `seqline.live`). */
export function ephemeralSubjects(subjectPrefix: string) {
  const base = liveRoot(subjectPrefix)
  return {
    typing: (conv: string) => `${base}.typing.${conv}`,
    allTyping: `${base}.typing.*`,
    presence: (user: string) => `${base}.presence.${user}`,
  }
}

const encoder = new TextEncoder()
const DEFAULT_SUBJECT_PREFIX = 'seqline.log'

/**
 * Typing and presence: ephemeral notices on core NATS (at most once, never
 * logged), shared by every API process on the connection's server.
 */
export class Signals {
  private readonly subjects: ReturnType<typeof ephemeralSubjects>
  private typingSub: Subscription | null = null

  constructor(
    private readonly nc: NatsConnection,
    subjectPrefix = DEFAULT_SUBJECT_PREFIX,
  ) {
    this.subjects = ephemeralSubjects(subjectPrefix)
  }

  /** Hands every typing notice (of any conversation, from any process) to `route`. */
  onTyping(route: (msg: Msg) => void): void {
    this.typingSub = this.nc.subscribe(this.subjects.allTyping, { callback: (_err, msg) => route(msg) })
  }

  publishTyping(conv: string, user: string): void {
    this.nc.publish(this.subjects.typing(conv), encoder.encode(JSON.stringify({ conv, user })))
  }

  publishPresence(user: string, status: PresenceStatus): void {
    this.nc.publish(this.subjects.presence(user), encoder.encode(JSON.stringify({ user, status, at: Date.now() })))
  }

  stop(): void {
    // A closed connection has dropped its subscriptions already.
    if (!this.nc.isClosed()) this.typingSub?.unsubscribe()
  }
}
