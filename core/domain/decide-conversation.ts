import type { CommandOf } from '../../schemas/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { mustNotBeBlocked } from './blocking.js'
import { accept, type CommandMetadata, type Decision, defined, reject } from './decision.js'
import { directConversationId } from './direct-id.js'
import type { Policy } from './policy.js'
import { refuse } from './refusal.js'
import { mustBeMember, mustBeSeenSeq, mustBeWritable } from './rules.js'
import type { ConversationState } from './state.js'

type Meta = { metadata: CommandMetadata }

export function createDirect(c: CommandOf<'conversation.create-direct'> & Meta, s: ConversationState): Decision {
  if (s.kind !== 'none') return reject(refuse('ALREADY_EXISTS'))
  if (c.actor === SYSTEM_ACTOR || c.actor === c.data.peer) return reject(refuse('INVALID_PEER'))
  const id = directConversationId(c.actor, c.data.peer)
  if (c.conv !== id) return reject(refuse('CONVERSATION_ID_MISMATCH', `expected ${id}`))
  const blocked = mustNotBeBlocked(s, c.metadata)
  if (blocked) return reject(blocked)
  const members = [c.actor, c.data.peer].sort()
  return accept({ type: 'conversation.created', data: { kind: 'direct', members } })
}

export function createGroup(c: CommandOf<'group.create'>, s: ConversationState, policy: Policy): Decision {
  return createWithRoles(c, s, { kind: 'group', prefix: 'g_', limit: policy.maxGroupMembers, unit: 'members', listed: c.data.members ?? [] })
}

/** How a group or a channel is founded: the id's prefix, the member limit, the plain members listed. */
interface Founding {
  kind: 'group' | 'channel'
  prefix: string
  limit: number
  unit: string
  listed: readonly string[]
}

/** A group or a channel: its creator the owner, the admins and plain members as listed, within the limit. */
export function createWithRoles(c: CommandOf<'group.create' | 'channel.create'>, s: ConversationState, f: Founding): Decision {
  if (s.kind !== 'none') return reject(refuse('ALREADY_EXISTS'))
  if (!c.conv.startsWith(f.prefix)) return reject(refuse('CONVERSATION_ID_MISMATCH', `a ${f.kind} id starts with ${f.prefix}`))
  if (c.actor === SYSTEM_ACTOR) return reject(refuse('FORBIDDEN_ROLE', `a ${f.kind} is created by the user who will own it`))
  const admins = (c.data.admins ?? []).filter((u) => u !== c.actor)
  const plain = f.listed.filter((u) => u !== c.actor && !admins.includes(u))
  if (1 + admins.length + plain.length > f.limit) return reject(refuse('GROUP_FULL', `at most ${f.limit} ${f.unit}`))
  const members = [
    { user: c.actor, role: 'owner' as const },
    ...admins.map((user) => ({ user, role: 'admin' as const })),
    ...plain.map((user) => ({ user, role: 'member' as const })),
  ]
  const { name, avatar, notice } = c.data
  return accept({
    type: 'conversation.created',
    data: { kind: f.kind, name, joinable: c.data.joinable ?? false, members, ...defined({ avatar, notice }) },
  })
}

export function markRead(c: CommandOf<'conversation.read'>, s: ConversationState): Decision {
  const denied = mustBeWritable(s) ?? mustBeMember(s, c.actor) ?? mustBeSeenSeq(s, c.data.upTo)
  if (denied) return reject(denied)
  if (c.actor === SYSTEM_ACTOR) return reject(refuse('NOT_MEMBER', 'Seqline itself reads nothing'))
  return accept({ type: 'conversation.read', data: { upTo: c.data.upTo } })
}

export function configureBurn(c: CommandOf<'burn.configure'>, s: ConversationState, policy: Policy): Decision {
  const denied = mustBeWritable(s) ?? (s.kind !== 'direct' ? refuse('BURN_DIRECT_ONLY') : null) ?? mustBeMember(s, c.actor)
  if (denied) return reject(denied)
  const seconds = c.data.seconds ?? policy.burnDefaultSeconds
  if (s.burn.enabled === c.data.enabled && (!c.data.enabled || s.burn.seconds === seconds)) return accept()
  return accept({ type: 'burn.configured', data: { enabled: c.data.enabled, seconds } })
}

/**
 * Hiding is a write to the conversation's log, so it is for current members
 * only: a kicked or departed member keeps what they had up to their leave seq,
 * as it was, and writes nothing more here.
 */
export function deleteForMe(c: CommandOf<'message.delete-for-me'> & Meta, s: ConversationState): Decision {
  if (c.actor === SYSTEM_ACTOR) return reject(refuse('NOT_MEMBER', 'Seqline itself has no view to hide messages from'))
  const denied = mustBeWritable(s) ?? mustBeMember(s, c.actor)
  if (denied) return reject(denied)
  const beyond = c.data.targets.find((t) => t > s.seq)
  if (beyond !== undefined) return reject(refuse('SEQ_OUT_OF_RANGE', `seq ${beyond} is beyond the head ${s.seq}`))
  return accept({ type: 'message.deleted_for_me', data: { targets: c.data.targets } })
}

/**
 * How the conversation notifies the actor while offline: theirs alone (a
 * private event), so any current member sets it; `until` ends a quieter mode
 * by itself, as a timed mute ends.
 */
export function configureNotifications(c: CommandOf<'notifications.configure'> & Meta, s: ConversationState): Decision {
  if (c.actor === SYSTEM_ACTOR) return reject(refuse('NOT_MEMBER', 'Seqline itself is never notified'))
  const denied = mustBeWritable(s) ?? mustBeMember(s, c.actor)
  if (denied) return reject(denied)
  const { mode, until } = c.data
  if (until === undefined) return accept({ type: 'notifications.configured', data: { mode } })
  if (mode === 'all') return reject(refuse('NOTIFY_UNTIL_INVALID', 'mode all has nothing to end'))
  if (until <= c.metadata.now) return reject(refuse('NOTIFY_UNTIL_INVALID', `${new Date(until).toISOString()} has passed`))
  return accept({ type: 'notifications.configured', data: { mode, until } })
}
