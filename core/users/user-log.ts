import { DiscardPolicy, type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type BlockEvent, MAX_BLOCKED } from '../../schemas/index.js'
import { type DirectReader, directReaderOf, isStreamNotFound, isWrongLastSequence } from '../log/index.js'

/** Where users' own logs live: one stream beside the conversations' partition streams, one subject per user. */
interface UserLogNames {
  stream: string
  subjectPrefix: string
}

const DEFAULT_USER_LOG_NAMES: UserLogNames = { stream: 'SEQLINE_USERS', subjectPrefix: 'seqline.users' }

/** Writers racing on one user's log lose at most this many rounds before the change is given up. */
const MAX_ROUNDS = 25

type BlockChange = { ok: true; changed: boolean; blocked: readonly string[] } | { ok: false; reason: 'self' | 'full' }

/**
 * A user's own log: what a user does that belongs to no conversation (today,
 * blocking and unblocking). Like a conversation it is a subject of a stream,
 * written with optimistic concurrency on the subject's last sequence, so
 * "every action is an event" holds for users too; unlike a conversation's,
 * nobody but its user ever reads it: no projection, history sink or socket
 * follows this stream, which is what keeps a block private. Each event carries
 * the whole list as it stands after it, so the current list (and every check
 * of a send against it) is one direct get of the subject's last message.
 */
export class UserLog {
  private constructor(
    private readonly js: JetStreamClient,
    /** Direct gets of users' last events through the connection's shared reply subscription. */
    private readonly direct: DirectReader,
    /** As long as nats.js's JetStream requests wait by default. */
    private readonly timeoutMs: number,
    private readonly names: UserLogNames,
  ) {}

  static async open(nc: NatsConnection, opts: { names?: UserLogNames; replicas?: number } = {}): Promise<UserLog> {
    const names = opts.names ?? DEFAULT_USER_LOG_NAMES
    const jsm = await jetstreamManager(nc)
    await ensureStream(jsm, names, opts.replicas ?? 1)
    return new UserLog(jetstream(nc), directReaderOf(nc), jsm.getOptions().timeout ?? 5000, names)
  }

  /** The users `user` blocks, sorted. */
  async blocked(user: string): Promise<readonly string[]> {
    return (await this.last(user))?.event.data.blocked ?? []
  }

  /** Whether `blocker` blocks `user`: the one read a blockable command in a direct conversation costs. */
  async blocks(blocker: string, user: string): Promise<boolean> {
    return (await this.blocked(blocker)).includes(user)
  }

  /** Blocks or unblocks `target` for `user`; a change that is already so writes nothing. `cmd` makes a retried request idempotent. */
  async change(user: string, target: string, blocking: boolean, cmd: string): Promise<BlockChange> {
    if (user === target) return { ok: false, reason: 'self' }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const last = await this.last(user)
      const before = last?.event.data.blocked ?? []
      if (before.includes(target) === blocking) return { ok: true, changed: false, blocked: before }
      if (blocking && before.length >= MAX_BLOCKED) return { ok: false, reason: 'full' }
      const blocked = blocking ? [...before, target].sort() : before.filter((u) => u !== target)
      const event: BlockEvent = {
        type: blocking ? 'user.blocked' : 'user.unblocked',
        user,
        seq: (last?.event.seq ?? 0) + 1,
        at: Date.now(),
        cmd,
        data: { target, blocked },
      }
      if (await this.append(event, last?.streamSeq ?? 0)) return { ok: true, changed: true, blocked }
    }
    throw new Error(`${user}: ${MAX_ROUNDS} concurrent changes of the block list won in a row; retry`)
  }

  /** Appends if the user's log still ends at `expected`; false when another writer came first. */
  private async append(event: BlockEvent, expected: number): Promise<boolean> {
    try {
      await this.js.publish(this.subject(event.user), JSON.stringify(event), {
        msgID: `${event.user}/${event.cmd}/${event.seq}`,
        expect: { lastSubjectSequence: expected },
      })
      return true
    } catch (err) {
      if (isWrongLastSequence(err)) return false
      throw err
    }
  }

  private async last(user: string): Promise<{ event: BlockEvent; streamSeq: number } | null> {
    const m = await this.direct.get(this.names.stream, { last_by_subj: this.subject(user) }, this.timeoutMs)
    return m ? { event: m.json<BlockEvent>(), streamSeq: m.seq } : null
  }

  private subject(user: string): string {
    return `${this.names.subjectPrefix}.${user}`
  }
}

async function ensureStream(jsm: JetStreamManager, names: UserLogNames, replicas: number): Promise<void> {
  const found = await jsm.streams.info(names.stream).catch((err: unknown) => {
    if (isStreamNotFound(err)) return null
    throw err
  })
  if (found) return
  await jsm.streams.add({
    name: names.stream,
    description: "Seqline users' own logs (blocks), one subject per user",
    subjects: [`${names.subjectPrefix}.*`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
    allow_direct: true,
    deny_purge: true,
  })
}
