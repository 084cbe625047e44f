import type { RefusalCode } from '../../core/domain/index.js'
import type { Policy } from '../../core/domain/policy.js'
import { type Command, EDITS_PER_MESSAGE, type EventType } from '../../schemas/index.js'

/*
 * An independent, deliberately naive model of one conversation, written from
 * the rules in README.md ("The domain") and the decider unit tests, not from
 * core/domain: no helper of the decider is imported. The fuzz test runs every
 * command through both and compares.
 *
 * The model does not know the order in which the decider checks its rules.
 * For a command it collects every rule that forbids it; the decider must then
 * refuse with one of those codes, and must accept whenever the set is empty.
 */

export type Role = 'owner' | 'admin' | 'member'
export const SYSTEM = '@system'

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 }
/** Seqline itself outranks everyone, yet never touches the owner. */
const SYSTEM_RANK = 3

export interface ModelMember {
  role: Role
  mutedUntil: number
}

export interface ModelMessage {
  seq: number
  actor: string
  at: number
  contentType: 'text' | 'image' | 'file' | 'custom'
  burnAfter?: number
  gone?: 'recalled' | 'burned' | 'erased'
  /** Seqs of the message.edited events that target it. */
  edits: number[]
  /** Its reactions as `user key` pairs, oldest first; cleared when it goes. */
  reactions?: string[]
  /** Set on a thread reply: its root. */
  thread?: number
}

export type Verdict =
  | { refuse: Set<RefusalCode> }
  /** Accepted; `event` null when nothing changes (e.g. muting a muted group). */
  | { event: null }
  | { event: EventType; apply: (seq: number) => void }

export class ConversationModel {
  kind: 'none' | 'direct' | 'group' | 'channel' = 'none'
  seq = 0
  readonly members = new Map<string, ModelMember>()
  /** Former members and the seq of the event that removed them. */
  readonly former = new Map<string, number>()
  /** Mutes of former members: they come back with them. */
  readonly heldMutes = new Map<string, number>()
  groupMuted = false
  dissolved = false
  joinable = false
  burn = { enabled: false, seconds: 30 }
  /** The conversation's own retention policy in days; null when its kind's default applies. */
  retention: number | null = null
  /** Event type at each seq (index seq - 1). */
  readonly types: EventType[] = []
  /** Seqs whose event was erased from the log (burned messages and their edits). */
  readonly erased = new Set<number>()
  readonly messages = new Map<number, ModelMessage>()
  /** actor/command id → seq of the event it wrote. */
  readonly written = new Map<string, number>()
  /** Every seq each actor wrote, in order. */
  readonly byActor = new Map<string, number[]>()
  /** Seqs of the pinned messages, in pin order. */
  pinned: number[] = []

  constructor(
    readonly conv: string,
    readonly policy: Policy,
  ) {}

  rank(user: string): number {
    if (user === SYSTEM) return SYSTEM_RANK
    const m = this.members.get(user)
    return m ? RANK[m.role] : -1
  }

  owners(): string[] {
    return [...this.members].filter(([, m]) => m.role === 'owner').map(([u]) => u)
  }

  mutedUntil(user: string): number {
    return this.members.get(user)?.mutedUntil ?? 0
  }

  /** A channel has room for more subscribers than a group has members. */
  limit(): number {
    return this.kind === 'channel' ? this.policy.maxChannelMembers : this.policy.maxGroupMembers
  }

  /**
   * The seq a retry of this command must be answered with: the state remembers
   * each actor's last 16 commands, for the 256 actors who wrote most recently.
   */
  remembered(actor: string, id: string): number | undefined {
    const seq = this.written.get(`${actor}/${id}`)
    if (seq === undefined) return undefined
    const mine = this.byActor.get(actor)!
    const newerOfMine = mine.filter((s) => s > seq).length
    const latest = mine.at(-1)!
    const actorsSince = [...this.byActor.values()].filter((seqs) => seqs.at(-1)! > latest).length
    return newerOfMine < 16 && actorsSince < 256 ? seq : undefined
  }

  /** What the rules say about this command, at this time. */
  judge(c: Command, now: number, blocked = false): Verdict {
    const why = new Set<RefusalCode>()
    // A block (the other member's, passed in) stops opening a direct conversation and writing in one; groups never.
    if (
      blocked &&
      (this.kind === 'direct' || this.kind === 'none') &&
      ['conversation.create-direct', 'message.send', 'message.edit', 'reaction.add'].includes(c.type)
    )
      why.add('BLOCKED')
    const a = c.actor
    const rank = this.rank(a)
    const isSystem = a === SYSTEM

    const writable = () => {
      if (this.kind === 'none') why.add('CONVERSATION_NOT_FOUND')
      if (this.dissolved) why.add('DISSOLVED')
    }
    const groupOnly = () => {
      writable()
      if (this.kind === 'direct') why.add('NOT_GROUP')
    }
    const member = () => {
      if (rank < 0) why.add('NOT_MEMBER')
    }
    const atLeast = (needed: number) => {
      member()
      if (rank >= 0 && rank < needed) why.add('FORBIDDEN_ROLE')
    }
    const outranks = (user: string) => {
      const target = this.members.get(user)
      if (!target) why.add('TARGET_NOT_MEMBER')
      else if (user === a || target.role === 'owner' || rank <= RANK[target.role]) why.add('FORBIDDEN_ROLE')
    }
    const mayPost = () => {
      writable()
      member()
      // A channel's subscribers read; its owner and admins (and Seqline) post.
      if (this.kind === 'channel' && rank >= 0 && rank < RANK.admin) why.add('CHANNEL_READ_ONLY')
      if (this.groupMuted && rank < RANK.admin) why.add('GROUP_MUTED')
      if (this.mutedUntil(a) > now) why.add('MUTED')
    }
    /** The message a targeting command names, as the handler would load it. */
    const targetChecks = (seq: number): ModelMessage | undefined => {
      const m = this.messages.get(seq)
      if (!m) why.add('TARGET_NOT_FOUND')
      else if (m.gone === 'burned' || m.gone === 'erased')
        why.add('TARGET_NOT_FOUND').add('TARGET_GONE') // erased: the log has nothing there any more
      else if (m.gone === 'recalled') why.add('TARGET_GONE')
      return m && m.gone !== 'burned' && m.gone !== 'erased' ? m : undefined
    }
    const verdict = (event: EventType, apply: (seq: number) => void = () => {}): Verdict => (why.size > 0 ? { refuse: why } : { event, apply })
    const unchanged = (): Verdict => (why.size > 0 ? { refuse: why } : { event: null })

    switch (c.type) {
      case 'conversation.create-direct': {
        const { peer } = c.data
        if (this.kind !== 'none') why.add('ALREADY_EXISTS')
        if (isSystem || peer === a) why.add('INVALID_PEER')
        if (c.conv !== `d~${[a, peer].sort().join('~')}`) why.add('CONVERSATION_ID_MISMATCH')
        return verdict('conversation.created', () => {
          this.kind = 'direct'
          this.members.set(a, { role: 'member', mutedUntil: 0 })
          this.members.set(peer, { role: 'member', mutedUntil: 0 })
        })
      }
      case 'group.create': {
        const admins = c.data.admins ?? []
        const plain = c.data.members ?? []
        if (this.kind !== 'none') why.add('ALREADY_EXISTS')
        if (!c.conv.startsWith('g_')) why.add('CONVERSATION_ID_MISMATCH')
        if (isSystem) why.add('FORBIDDEN_ROLE')
        if (new Set([a, ...admins, ...plain]).size > this.policy.maxGroupMembers) why.add('GROUP_FULL')
        return verdict('conversation.created', () => {
          this.kind = 'group'
          this.joinable = c.data.joinable ?? false
          for (const u of plain) this.members.set(u, { role: 'member', mutedUntil: 0 })
          for (const u of admins) this.members.set(u, { role: 'admin', mutedUntil: 0 })
          this.members.set(a, { role: 'owner', mutedUntil: 0 })
        })
      }
      case 'group.invite': {
        groupOnly()
        member()
        const fresh = c.data.users.filter((u) => !this.members.has(u))
        if (fresh.length === 0) why.add('ALREADY_MEMBER')
        if (this.members.size + fresh.length > this.limit()) why.add('GROUP_FULL')
        return verdict('member.invited', () => {
          for (const u of fresh) this.add(u)
        })
      }
      case 'group.join':
        groupOnly()
        if (this.members.has(a)) why.add('ALREADY_MEMBER')
        if (isSystem) why.add('FORBIDDEN_ROLE')
        if (!this.joinable) why.add('JOIN_CLOSED')
        if (this.members.size >= this.limit()) why.add('GROUP_FULL')
        return verdict('member.joined', () => this.add(a))
      case 'group.leave':
        groupOnly()
        if (!this.members.has(a)) why.add('NOT_MEMBER')
        if (this.members.get(a)?.role === 'owner') why.add('OWNER_MUST_TRANSFER')
        return verdict('member.left', (seq) => this.remove(a, seq))
      case 'group.kick':
        groupOnly()
        atLeast(RANK.admin)
        outranks(c.data.user)
        return verdict('member.kicked', (seq) => this.remove(c.data.user, seq))
      case 'group.change-role': {
        groupOnly()
        atLeast(RANK.owner)
        outranks(c.data.user)
        const m = this.members.get(c.data.user)
        if (why.size === 0 && m?.role === c.data.role) return unchanged()
        return verdict('member.role_changed', () => (m!.role = c.data.role))
      }
      case 'group.transfer-ownership': {
        groupOnly()
        atLeast(RANK.owner)
        if (!this.members.has(c.data.to)) why.add('TARGET_NOT_MEMBER')
        const [owner] = this.owners()
        if (why.size === 0 && owner === c.data.to) return unchanged()
        return verdict('group.ownership_transferred', () => {
          this.members.get(owner!)!.role = 'admin'
          this.members.get(c.data.to)!.role = 'owner'
        })
      }
      case 'group.update-info':
        groupOnly()
        atLeast(RANK.admin)
        return verdict('group.info_updated', () => {
          if (c.data.joinable !== undefined) this.joinable = c.data.joinable
        })
      case 'group.mute':
      case 'group.unmute': {
        groupOnly()
        atLeast(RANK.admin)
        const muting = c.type === 'group.mute'
        if (why.size === 0 && this.groupMuted === muting) return unchanged()
        return verdict(muting ? 'group.muted' : 'group.unmuted', () => (this.groupMuted = muting))
      }
      case 'member.mute':
        groupOnly()
        atLeast(RANK.admin)
        outranks(c.data.user)
        return verdict('member.muted', () => (this.members.get(c.data.user)!.mutedUntil = now + c.data.seconds * 1000))
      case 'member.unmute':
        groupOnly()
        atLeast(RANK.admin)
        outranks(c.data.user)
        if (why.size === 0 && this.mutedUntil(c.data.user) <= now) return unchanged()
        return verdict('member.unmuted', () => (this.members.get(c.data.user)!.mutedUntil = 0))
      case 'group.dissolve':
        groupOnly()
        atLeast(RANK.owner)
        return verdict('group.dissolved', () => (this.dissolved = true))
      case 'message.send': {
        mayPost()
        const { replyTo, mentions, content } = c.data
        if (replyTo !== undefined && replyTo > this.seq) why.add('SEQ_OUT_OF_RANGE')
        if (mentions?.users?.some((u) => !this.members.has(u))) why.add('MENTION_NOT_MEMBER')
        if (mentions?.all && this.kind !== 'group' && this.kind !== 'channel') why.add('NOT_GROUP')
        if (mentions?.all && rank < RANK.admin) why.add('FORBIDDEN_ROLE')
        const burnAfter = this.kind === 'direct' && this.burn.enabled ? this.burn.seconds : undefined
        // A thread is one level deep, under a live message.
        const thread = c.data.thread
        const root = thread === undefined ? undefined : targetChecks(thread)
        if (root?.thread !== undefined) why.add('THREAD_NESTED')
        return verdict('message.sent', (seq) => {
          this.messages.set(seq, {
            seq,
            actor: a,
            at: now,
            contentType: content.type,
            edits: [],
            ...(burnAfter ? { burnAfter } : {}),
            ...(thread ? { thread } : {}),
          })
        })
      }
      case 'message.edit': {
        mayPost()
        const m = targetChecks(c.data.target)
        if (m && m.actor !== a) why.add('NOT_AUTHOR')
        if (m && m.contentType !== 'text' && m.contentType !== 'custom') why.add('NOT_EDITABLE')
        if (m && m.contentType !== c.data.content.type) why.add('NOT_EDITABLE')
        if (m && m.edits.length >= Math.min(this.policy.maxEditsPerMessage, EDITS_PER_MESSAGE)) why.add('EDIT_LIMIT')
        return verdict('message.edited', (seq) => m!.edits.push(seq))
      }
      case 'message.recall': {
        writable()
        member()
        const m = targetChecks(c.data.target)
        if (m) {
          const outranksAuthor = (this.kind === 'group' || this.kind === 'channel') && rank >= RANK.admin && (m.actor === a || rank > this.rank(m.actor))
          const inWindow = m.actor === a && now <= m.at + this.policy.recallWindowSeconds * 1000
          if (!outranksAuthor && !isSystem && !inWindow) why.add(m.actor === a ? 'RECALL_WINDOW_PASSED' : 'FORBIDDEN_ROLE')
        }
        return verdict('message.recalled', () => this.goes(m!, 'recalled'))
      }
      case 'message.delete-for-me': {
        // Only current members write to the log; a former member keeps what they had, as it was.
        writable()
        member()
        if (isSystem) why.add('NOT_MEMBER')
        if (c.data.targets.some((t) => t > this.seq)) why.add('SEQ_OUT_OF_RANGE')
        return verdict('message.deleted_for_me')
      }
      case 'conversation.read':
        writable()
        member()
        if (isSystem) why.add('NOT_MEMBER')
        if (c.data.upTo > this.seq) why.add('SEQ_OUT_OF_RANGE')
        return verdict('conversation.read')
      case 'notifications.configure': {
        // The user's own setting: any current member, never Seqline; a timed one must end later, and not be all.
        writable()
        member()
        if (isSystem) why.add('NOT_MEMBER')
        const until = c.data.until
        if (until !== undefined && (c.data.mode === 'all' || until <= now)) why.add('NOTIFY_UNTIL_INVALID')
        return verdict('notifications.configured')
      }
      case 'burn.configure': {
        writable()
        if (this.kind !== 'direct') why.add('BURN_DIRECT_ONLY')
        member()
        const setting = { enabled: c.data.enabled, seconds: c.data.seconds ?? this.policy.burnDefaultSeconds }
        const same = this.burn.enabled === setting.enabled && (!setting.enabled || this.burn.seconds === setting.seconds)
        if (why.size === 0 && same) return unchanged()
        return verdict('burn.configured', () => (this.burn = setting))
      }
      case 'message.burn': {
        if (!isSystem) why.add('FORBIDDEN_ROLE')
        writable()
        if (c.data.target > this.seq) why.add('SEQ_OUT_OF_RANGE')
        const m = this.messages.get(c.data.target)
        // Burning twice writes nothing: the executor may retry. An erased message has nothing left to burn.
        if (why.size === 0 && (m?.gone === 'burned' || m?.gone === 'erased')) return unchanged()
        if (!m) why.add('TARGET_NOT_FOUND')
        else if (!m.burnAfter) why.add('NOT_BURNABLE')
        const edits = c.data.edits ?? []
        if (m && edits.some((e) => e <= m.seq || e > this.seq)) why.add('SEQ_OUT_OF_RANGE')
        else if (m && edits.some((e) => !m.edits.includes(e))) why.add('TARGET_NOT_FOUND')
        return verdict('message.burned', () => {
          this.goes(m!, 'burned')
          this.erased.add(m!.seq)
          for (const e of edits) this.erased.add(e)
        })
      }
      case 'retention.configure':
        writable()
        // A direct conversation's two members are equals: only the service sets its policy; a group's owner sets the group's.
        if (!isSystem && this.kind === 'direct') why.add('FORBIDDEN_ROLE')
        if (!isSystem && this.kind !== 'direct') atLeast(RANK.owner)
        if (why.size === 0 && this.retention === c.data.days) return unchanged()
        return verdict('retention.configured', () => (this.retention = c.data.days))
      case 'content.erase':
        return this.erasure(c, now, why, isSystem)
      case 'channel.create': {
        const admins = c.data.admins ?? []
        const plain = c.data.subscribers ?? []
        if (this.kind !== 'none') why.add('ALREADY_EXISTS')
        if (!c.conv.startsWith('c_')) why.add('CONVERSATION_ID_MISMATCH')
        if (isSystem) why.add('FORBIDDEN_ROLE')
        if (new Set([a, ...admins, ...plain]).size > this.policy.maxChannelMembers) why.add('GROUP_FULL')
        return verdict('conversation.created', () => {
          this.kind = 'channel'
          this.joinable = c.data.joinable ?? false
          for (const u of plain) this.members.set(u, { role: 'member', mutedUntil: 0 })
          for (const u of admins) this.members.set(u, { role: 'admin', mutedUntil: 0 })
          this.members.set(a, { role: 'owner', mutedUntil: 0 })
        })
      }
      case 'reaction.add':
      case 'reaction.remove': {
        // Reacting is no post: members react in a muted group, muted or not.
        writable()
        member()
        const pair = `${a} ${c.data.key}`
        const adding = c.type === 'reaction.add'
        const m = adding ? targetChecks(c.data.target) : this.messages.get(c.data.target)
        if (!adding && c.data.target > this.seq) why.add('TARGET_NOT_FOUND')
        if (!adding && m?.gone) why.add('TARGET_GONE')
        const pairs = m?.reactions ?? []
        if (adding && pairs.includes(pair)) why.add('ALREADY_REACTED')
        const keys = new Set(pairs.map((p) => p.slice(p.indexOf(' ') + 1)))
        if (adding && !keys.has(c.data.key) && keys.size >= this.policy.maxReactionKeys) why.add('REACTION_KEYS_FULL')
        if (!adding && !pairs.includes(pair)) why.add('REACTION_NOT_FOUND')
        return verdict(adding ? 'reaction.added' : 'reaction.removed', () => {
          m!.reactions = adding ? [...pairs, pair] : pairs.filter((p) => p !== pair)
        })
      }
      case 'message.pin':
      case 'message.unpin': {
        // Owner and admins of a group; either side of a direct chat.
        writable()
        if (this.kind === 'direct') member()
        else atLeast(RANK.admin)
        const pinning = c.type === 'message.pin'
        if (pinning) targetChecks(c.data.target)
        const there = this.pinned.includes(c.data.target)
        if (pinning && there) why.add('ALREADY_PINNED')
        if (pinning && !there && this.pinned.length >= this.policy.maxPins) why.add('PINS_FULL')
        if (!pinning && !there) why.add('NOT_PINNED')
        return verdict(pinning ? 'message.pinned' : 'message.unpinned', () => {
          this.pinned = pinning ? [...this.pinned, c.data.target] : this.pinned.filter((p) => p !== c.data.target)
        })
      }
    }
  }

  /** A message recalled, burned or erased: its reactions and its pin go with it. */
  private goes(m: ModelMessage, how: NonNullable<ModelMessage['gone']>): void {
    m.gone = how
    delete m.reactions
    this.pinned = this.pinned.filter((p) => p !== m.seq)
  }

  /** Seqline's erasure: messages older than a cut-off, or one user's; what is already gone is passed over. */
  private erasure(c: Extract<Command, { type: 'content.erase' }>, now: number, why: Set<RefusalCode>, isSystem: boolean): Verdict {
    const d = c.data
    if (!isSystem) why.add('FORBIDDEN_ROLE')
    if (this.kind === 'none') why.add('CONVERSATION_NOT_FOUND')
    if (d.targets.some((t) => t > this.seq)) why.add('SEQ_OUT_OF_RANGE')
    if (d.reason === 'retention' && d.before > now - d.days * 24 * 3600 * 1000) why.add('NOT_ERASABLE')
    const kept: ModelMessage[] = []
    for (const seq of d.targets.filter((t) => t <= this.seq)) {
      const m = this.messages.get(seq)
      if (!m) {
        // Another event, or an edit: only what was erased with its message is passed over.
        if (!this.erased.has(seq)) why.add('NOT_ERASABLE')
        continue
      }
      if (m.gone === 'burned' || m.gone === 'erased') continue
      const mine = d.reason === 'retention' ? m.at < d.before : m.actor === d.user
      if (mine) kept.push(m)
      else why.add('NOT_ERASABLE')
    }
    if (why.size > 0) return { refuse: why }
    if (kept.length === 0) return { event: null }
    return {
      event: 'content.erased',
      apply: () => {
        for (const m of kept) {
          this.goes(m, 'erased')
          for (const s of [m.seq, ...m.edits]) this.erased.add(s)
        }
      },
    }
  }

  /** Records an accepted event of this command at the next seq and applies its effect. */
  commit(c: Command, verdict: Extract<Verdict, { apply: unknown }>): number {
    const seq = this.seq + 1
    verdict.apply(seq)
    this.seq = seq
    this.types.push(verdict.event)
    this.written.set(`${c.actor}/${c.id}`, seq)
    const mine = this.byActor.get(c.actor) ?? []
    this.byActor.set(c.actor, [...mine, seq])
    return seq
  }

  private add(user: string): void {
    this.members.set(user, { role: 'member', mutedUntil: this.heldMutes.get(user) ?? 0 })
    this.former.delete(user)
    this.heldMutes.delete(user)
  }

  private remove(user: string, seq: number): void {
    this.heldMutes.set(user, this.mutedUntil(user))
    this.members.delete(user)
    this.former.set(user, seq)
  }
}
