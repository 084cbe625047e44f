import type { EventOf, MessageContent, SeqlineEvent } from '@seqline/client'

/** A message as the conversation view shows it. */
export interface Message {
  seq: number
  actor: string
  at: number
  content: MessageContent
  edited: boolean
  recalled: boolean
  mentions: string[]
  mentionsAll: boolean
  /** Seconds after the recipient's read at which it burns (burn after read), when sent under it. */
  burnAfter?: number
  /** When the recipient's read started its burn countdown (epoch ms). */
  readByRecipientAt?: number
  /** The root's seq when this is a reply in a thread: it shows in the thread pane, not in the conversation. */
  thread?: number
}

interface Member {
  user: string
  role: 'owner' | 'admin' | 'member'
}

/** One conversation folded from its events, in seq order: what the view draws. */
export interface Timeline {
  conv: string
  kind: 'direct' | 'group' | 'channel'
  name: string
  members: Member[]
  messages: Message[]
  /** Highest seq each member has read up to. */
  reads: Record<string, number>
  muted: boolean
  dissolved: boolean
  burn: { enabled: boolean; seconds: number }
  /** Highest seq folded in. */
  head: number
  /** Seqs up to here are older history still on the server (0: the timeline starts at seq 1). */
  olderUpTo: number
}

/** The kind a conversation id names: `d~` direct, `c_` channel, otherwise a group. */
export const kindOf = (conv: string): Timeline['kind'] => (conv.startsWith('d~') ? 'direct' : conv.startsWith('c_') ? 'channel' : 'group')

export function emptyTimeline(conv: string): Timeline {
  const direct = conv.startsWith('d~')
  return {
    conv,
    kind: kindOf(conv),
    name: direct ? conv.slice(2).split('~').join(' · ') : conv,
    members: direct
      ? conv
          .slice(2)
          .split('~')
          .map((user) => ({ user, role: 'member' as const }))
      : [],
    messages: [],
    reads: {},
    muted: false,
    dissolved: false,
    burn: { enabled: false, seconds: 30 },
    head: 0,
    olderUpTo: 0,
  }
}

/** The timeline with one more event; events arrive once per seq and in seq order (the client sees to that). */
export function fold(t: Timeline, e: SeqlineEvent): Timeline {
  const next = { ...t, head: Math.max(t.head, e.seq) }
  const apply = APPLY[e.type] as ((t: Timeline, e: SeqlineEvent) => Timeline) | undefined
  return apply ? apply(next, e) : next
}

type Appliers = { [K in SeqlineEvent['type']]?: (t: Timeline, e: EventOf<K>) => Timeline }

const withMessage = (t: Timeline, seq: number, change: (m: Message) => Message | null): Timeline => ({
  ...t,
  messages: t.messages.flatMap((m) => (m.seq === seq ? [change(m)].filter((x): x is Message => x !== null) : [m])),
})

const withMembers = (t: Timeline, change: (members: Member[]) => Member[]): Timeline => ({ ...t, members: change(t.members) })

const APPLY: Appliers = {
  'conversation.created': (t, e) =>
    e.data.kind === 'direct'
      ? { ...t, kind: 'direct', members: e.data.members.map((user) => ({ user, role: 'member' })) }
      : { ...t, kind: e.data.kind, name: e.data.name, members: e.data.members.map((m) => ({ ...m })) },
  'member.invited': (t, e) =>
    withMembers(t, (ms) => [...ms, ...e.data.users.filter((u) => !ms.some((m) => m.user === u)).map((user) => ({ user, role: 'member' as const }))]),
  'member.joined': (t, e) => withMembers(t, (ms) => (ms.some((m) => m.user === e.actor) ? ms : [...ms, { user: e.actor, role: 'member' }])),
  'member.left': (t, e) => withMembers(t, (ms) => ms.filter((m) => m.user !== e.actor)),
  'member.kicked': (t, e) => withMembers(t, (ms) => ms.filter((m) => m.user !== e.data.user)),
  'member.role_changed': (t, e) => withMembers(t, (ms) => ms.map((m) => (m.user === e.data.user ? { ...m, role: e.data.role } : m))),
  'group.ownership_transferred': (t, e) =>
    withMembers(t, (ms) => ms.map((m) => (m.user === e.data.to ? { ...m, role: 'owner' } : m.user === e.data.from ? { ...m, role: 'admin' } : m))),
  'group.info_updated': (t, e) => ({ ...t, name: e.data.name ?? t.name }),
  'group.muted': (t) => ({ ...t, muted: true }),
  'group.unmuted': (t) => ({ ...t, muted: false }),
  'group.dissolved': (t) => ({ ...t, dissolved: true }),
  'burn.configured': (t, e) => ({ ...t, burn: { enabled: e.data.enabled, seconds: e.data.seconds } }),
  'message.sent': (t, e) => ({
    ...t,
    messages: [
      ...t.messages,
      {
        seq: e.seq,
        actor: e.actor,
        at: e.at,
        content: e.data.content,
        edited: false,
        recalled: false,
        mentions: e.data.mentions?.users ?? [],
        mentionsAll: e.data.mentions?.all ?? false,
        ...(e.data.burnAfter ? { burnAfter: e.data.burnAfter } : {}),
        ...(e.data.thread ? { thread: e.data.thread.root } : {}),
      },
    ],
  }),
  'message.edited': (t, e) => withMessage(t, e.data.target, (m) => ({ ...m, content: e.data.content, edited: true })),
  'message.recalled': (t, e) => withMessage(t, e.data.target, (m) => ({ ...m, recalled: true })),
  // Burned, erased or deleted for me: gone from the screen.
  'message.burned': (t, e) => withMessage(t, e.data.target, () => null),
  'message.deleted_for_me': (t, e) => ({ ...t, messages: t.messages.filter((m) => !e.data.targets.includes(m.seq)) }),
  'content.erased': (t, e) => {
    const erased = new Set(e.data.targets.map((x) => x.seq))
    return { ...t, messages: t.messages.filter((m) => !erased.has(m.seq)) }
  },
  'conversation.read': (t, e) => ({
    ...t,
    reads: { ...t.reads, [e.actor]: Math.max(t.reads[e.actor] ?? 0, e.data.upTo) },
    // A read by someone other than the sender starts the countdown of the burn-after-read messages it covers.
    messages: t.messages.map((m) =>
      m.burnAfter && m.readByRecipientAt === undefined && m.actor !== e.actor && m.seq <= e.data.upTo ? { ...m, readByRecipientAt: e.at } : m,
    ),
  }),
}

/** The user's role here: a channel's subscriber and a group's plain member are both `member`. */
function roleOf(t: Timeline, user: string): Member['role'] | undefined {
  return t.members.find((m) => m.user === user)?.role
}

/** Whether the user may post: a channel takes posts from its owner and admins only. */
export function mayPost(t: Timeline, user: string): boolean {
  if (t.dissolved) return false
  if (t.kind !== 'channel') return true
  const role = roleOf(t, user)
  return role === 'owner' || role === 'admin'
}

/** Whether the user may pin: either side of a direct conversation, a group's or channel's owner and admins. */
export function mayPin(t: Timeline, user: string): boolean {
  if (t.kind === 'direct') return true
  const role = roleOf(t, user)
  return !t.dissolved && (role === 'owner' || role === 'admin')
}

/** The text a message shows. */
export function textOf(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return content.text
    case 'image':
      return `[image${content.caption ? `: ${content.caption}` : ''}]`
    case 'file':
      return `[file ${content.name}]`
    case 'custom':
      return `[${content.kind}]`
  }
}
