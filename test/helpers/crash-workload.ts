// The crash tests' workload: random but always-allowed commands in several
// conversations at once (groups with invites, kicks, leaves and mutes, and
// direct chats), so that projections meet every kind of event and users'
// records are written from conversations in every partition.
import { setTimeout as sleep } from 'node:timers/promises'
import type { CommandHandler } from '../../core/commands/index.js'
import { directConversationId } from '../../core/domain/index.js'
import { pick, type Rng } from '../../ops/bench/shared/random.js'
import type { SeqlineEvent } from '../../schemas/index.js'

const MAX_STEP_PAUSE_MS = 4

export const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']
const GROUPS = [
  { conv: 'g_pc_a', owner: 'alice', members: ['bob', 'carol', 'dave'] },
  { conv: 'g_pc_b', owner: 'bob', members: ['alice', 'erin', 'frank'] },
  { conv: 'g_pc_c', owner: 'carol', members: ['alice', 'bob', 'dave', 'erin', 'frank'] },
  { conv: 'g_pc_d', owner: 'dave', members: ['erin'] },
]
const DIRECTS = [
  ['alice', 'bob'],
  ['bob', 'carol'],
  ['carol', 'dave'],
  ['erin', 'frank'],
  ['dave', 'frank'],
] as const

/** What a conversation's script knows of it; exact, because only the script writes there. */
interface Script {
  conv: string
  kind: 'group' | 'direct'
  owner?: string
  members: Set<string>
  /** Muted users, members or not: a mute outlives leaving and rejoining. */
  muted: Set<string>
  groupMuted: boolean
  head: number
  live: Array<{ seq: number; actor: string }>
}

export class Workload {
  readonly events: SeqlineEvent[] = []
  readonly refusals: string[] = []
  private stopping = false
  private commands = 0

  constructor(
    private readonly handler: CommandHandler,
    private readonly rng: Rng,
  ) {}

  run(minSteps: number): Promise<void> {
    const groups = GROUPS.map((g) => this.script(g.conv, 'group', [g.owner, ...g.members], g.owner))
    const directs = DIRECTS.map(([a, b]) => this.script(directConversationId(a, b), 'direct', [a, b]))
    return Promise.all([
      ...groups.map((s, i) => this.drive(s, minSteps, () => this.createGroup(s, GROUPS[i]!.members))),
      ...directs.map((s) => this.drive(s, minSteps, () => this.createDirect(s))),
    ]).then(() => undefined)
  }

  stop(): void {
    this.stopping = true
  }

  private script(conv: string, kind: Script['kind'], members: string[], owner?: string): Script {
    return { conv, kind, ...(owner ? { owner } : {}), members: new Set(members), muted: new Set(), groupMuted: false, head: 0, live: [] }
  }

  private async drive(s: Script, minSteps: number, create: () => Promise<unknown>): Promise<void> {
    await create()
    for (let step = 0; step < minSteps || !this.stopping; step++) {
      await (s.kind === 'group' ? this.groupStep(s) : this.directStep(s))
      await sleep(this.rng() * MAX_STEP_PAUSE_MS)
    }
  }

  private groupStep(s: Script): Promise<unknown> {
    const r = this.rng()
    if (r < 0.5) return this.send(s)
    if (r < 0.72) return this.read(s)
    if (r < 0.8) return this.edit(s)
    if (r < 0.86) return this.recall(s)
    if (r < 0.95) return this.membership(s)
    return this.mute(s)
  }

  private directStep(s: Script): Promise<unknown> {
    const r = this.rng()
    if (r < 0.6) return this.send(s)
    if (r < 0.85) return this.read(s)
    if (r < 0.93) return this.edit(s)
    return this.recall(s)
  }

  private createGroup(s: Script, members: string[]) {
    return this.exec(s, 'group.create', s.owner!, { name: s.conv, members })
  }

  private createDirect(s: Script) {
    const [a, b] = [...s.members] as [string, string]
    return this.exec(s, 'conversation.create-direct', a, { peer: b })
  }

  private canPost(s: Script, user: string): boolean {
    return s.members.has(user) && !s.muted.has(user) && (!s.groupMuted || user === s.owner)
  }

  private async send(s: Script): Promise<unknown> {
    const posters = [...s.members].filter((u) => this.canPost(s, u))
    if (posters.length === 0) return this.read(s)
    const actor = pick(this.rng, posters)
    const mentions = s.kind === 'group' && this.rng() < 0.3 ? this.mentions(s, actor) : undefined
    const e = await this.exec(s, 'message.send', actor, { content: { type: 'text', text: `${s.conv} ${s.head + 1}` }, ...(mentions ? { mentions } : {}) })
    if (e) s.live.push({ seq: e.seq, actor })
    return e
  }

  private mentions(s: Script, actor: string): { all: true } | { users: string[] } | undefined {
    if (actor === s.owner && this.rng() < 0.3) return { all: true }
    const others = [...s.members].filter((u) => u !== actor)
    if (others.length === 0) return undefined
    const users = new Set([pick(this.rng, others), pick(this.rng, others)])
    return { users: [...users] }
  }

  private read(s: Script) {
    // Half the reads catch up to near the head, half land anywhere: some go backwards, which the views ignore.
    const upTo = this.rng() < 0.5 ? Math.max(1, s.head - Math.floor(this.rng() * 8)) : 1 + Math.floor(this.rng() * s.head)
    return this.exec(s, 'conversation.read', pick(this.rng, [...s.members]), { upTo })
  }

  private async edit(s: Script): Promise<unknown> {
    const editable = s.live.filter((m) => this.canPost(s, m.actor))
    if (editable.length === 0) return this.send(s)
    const target = pick(this.rng, editable)
    return this.exec(s, 'message.edit', target.actor, { target: target.seq, content: { type: 'text', text: `edited at ${s.head + 1}` } })
  }

  private async recall(s: Script): Promise<unknown> {
    if (s.live.length === 0) return this.send(s)
    const target = pick(this.rng, s.live)
    // Authors recall their own (within the window); the owner recalls anyone's, a former member's included.
    const actor = s.members.has(target.actor) ? target.actor : s.owner!
    const e = await this.exec(s, 'message.recall', actor, { target: target.seq })
    if (e) s.live = s.live.filter((m) => m !== target)
    return e
  }

  private async membership(s: Script): Promise<unknown> {
    const outsiders = USERS.filter((u) => !s.members.has(u))
    const plain = [...s.members].filter((u) => u !== s.owner)
    const r = this.rng()
    if (outsiders.length > 0 && (r < 0.4 || plain.length <= 1)) {
      const user = pick(this.rng, outsiders)
      const e = await this.exec(s, 'group.invite', pick(this.rng, [...s.members]), { users: [user] })
      if (e) s.members.add(user)
      return e
    }
    if (plain.length <= 1) return this.send(s)
    const user = pick(this.rng, plain)
    const e = r < 0.7 ? await this.exec(s, 'group.kick', s.owner!, { user }) : await this.exec(s, 'group.leave', user, {})
    if (e) s.members.delete(user)
    return e
  }

  private async mute(s: Script): Promise<unknown> {
    const r = this.rng()
    if (r < 0.4) {
      const e = await this.exec(s, s.groupMuted ? 'group.unmute' : 'group.mute', s.owner!, {})
      if (e) s.groupMuted = !s.groupMuted
      return e
    }
    const mutedMembers = [...s.members].filter((u) => s.muted.has(u))
    if (r < 0.7 && mutedMembers.length > 0) {
      const user = pick(this.rng, mutedMembers)
      const e = await this.exec(s, 'member.unmute', s.owner!, { user })
      if (e) s.muted.delete(user)
      return e
    }
    const unmuted = [...s.members].filter((u) => u !== s.owner && !s.muted.has(u))
    if (unmuted.length === 0) return this.send(s)
    const user = pick(this.rng, unmuted)
    const e = await this.exec(s, 'member.mute', s.owner!, { user, seconds: 3600 })
    if (e) s.muted.add(user)
    return e
  }

  /** Runs one command; returns its event, or null when refused (recorded: the workload means never to be). */
  private async exec(s: Script, type: string, actor: string, data: object): Promise<SeqlineEvent | null> {
    const command = { type, id: `c${this.commands++}`, conv: s.conv, actor, data }
    const r = await this.handler.execute(command)
    if (!r.ok) {
      this.refusals.push(`${s.conv} ${type} by ${actor} ${JSON.stringify(data)}: ${JSON.stringify(r)}`)
      return null
    }
    if (!r.event) return null
    s.head = r.seq
    this.events.push(r.event)
    return r.event
  }
}
