import type { CommandOf } from '../../schemas/index.js'
import { accept, type CommandMetadata, type Decision, defined, reject } from './decision.js'
import { memberLimit, type Policy } from './policy.js'
import { refuse } from './refusal.js'
import { ADMIN_RANK, mustBeGroup, mustBeMember, mustHaveRank, mustOutrank, OWNER_RANK } from './rules.js'
import { type ConversationState, ownerOf } from './state.js'

type Meta = { metadata: CommandMetadata }

export function invite(c: CommandOf<'group.invite'>, s: ConversationState, policy: Policy): Decision {
  const denied = mustBeGroup(s) ?? mustBeMember(s, c.actor)
  if (denied) return reject(denied)
  const users = c.data.users.filter((u) => !s.members.has(u))
  if (users.length === 0) return reject(refuse('ALREADY_MEMBER', c.data.users.join(', ')))
  if (s.members.size + users.length > memberLimit(policy, s.kind)) {
    return reject(refuse('GROUP_FULL', `at most ${memberLimit(policy, s.kind)} members`))
  }
  return accept({ type: 'member.invited', data: { users } })
}

export function join(c: CommandOf<'group.join'>, s: ConversationState, policy: Policy): Decision {
  const denied = mustBeGroup(s)
  if (denied) return reject(denied)
  if (s.members.has(c.actor)) return reject(refuse('ALREADY_MEMBER', c.actor))
  if (c.actor.startsWith('@')) return reject(refuse('FORBIDDEN_ROLE', 'only users join groups'))
  if (!s.joinable) return reject(refuse('JOIN_CLOSED'))
  if (s.members.size >= memberLimit(policy, s.kind)) return reject(refuse('GROUP_FULL'))
  return accept({ type: 'member.joined', data: { user: c.actor } })
}

export function leave(c: CommandOf<'group.leave'>, s: ConversationState): Decision {
  const denied = mustBeGroup(s) ?? (s.members.has(c.actor) ? null : refuse('NOT_MEMBER', c.actor))
  if (denied) return reject(denied)
  if (s.members.get(c.actor)?.role === 'owner') return reject(refuse('OWNER_MUST_TRANSFER'))
  return accept({ type: 'member.left', data: { user: c.actor } })
}

export function kick(c: CommandOf<'group.kick'>, s: ConversationState): Decision {
  const denied = mustBeGroup(s) ?? mustHaveRank(s, c.actor, ADMIN_RANK, 'only the owner and admins kick') ?? mustOutrank(s, c.actor, c.data.user, 'kick')
  if (denied) return reject(denied)
  return accept({ type: 'member.kicked', data: { user: c.data.user } })
}

export function changeRole(c: CommandOf<'group.change-role'>, s: ConversationState): Decision {
  const denied =
    mustBeGroup(s) ?? mustHaveRank(s, c.actor, OWNER_RANK, 'only the owner changes roles') ?? mustOutrank(s, c.actor, c.data.user, 'change the role of')
  if (denied) return reject(denied)
  if (s.members.get(c.data.user)?.role === c.data.role) return accept()
  return accept({ type: 'member.role_changed', data: { user: c.data.user, role: c.data.role } })
}

export function transferOwnership(c: CommandOf<'group.transfer-ownership'>, s: ConversationState): Decision {
  const denied = mustBeGroup(s) ?? mustHaveRank(s, c.actor, OWNER_RANK, 'only the owner transfers ownership')
  if (denied) return reject(denied)
  if (!s.members.has(c.data.to)) return reject(refuse('TARGET_NOT_MEMBER', c.data.to))
  const from = ownerOf(s)
  if (!from || from === c.data.to) return accept()
  return accept({ type: 'group.ownership_transferred', data: { from, to: c.data.to } })
}

export function updateInfo(c: CommandOf<'group.update-info'>, s: ConversationState): Decision {
  const denied = mustBeGroup(s) ?? mustHaveRank(s, c.actor, ADMIN_RANK, 'only the owner and admins edit group info')
  if (denied) return reject(denied)
  return accept({ type: 'group.info_updated', data: defined(c.data) })
}

export function muteGroup(c: CommandOf<'group.mute' | 'group.unmute'>, s: ConversationState): Decision {
  const denied = mustBeGroup(s) ?? mustHaveRank(s, c.actor, ADMIN_RANK, 'only the owner and admins mute the group')
  if (denied) return reject(denied)
  const muting = c.type === 'group.mute'
  if (s.groupMuted === muting) return accept()
  return accept(muting ? { type: 'group.muted', data: {} } : { type: 'group.unmuted', data: {} })
}

export function muteMember(c: CommandOf<'member.mute'> & Meta, s: ConversationState): Decision {
  const denied =
    mustBeGroup(s) ?? mustHaveRank(s, c.actor, ADMIN_RANK, 'only the owner and admins mute members') ?? mustOutrank(s, c.actor, c.data.user, 'mute')
  if (denied) return reject(denied)
  const until = c.metadata.now + c.data.seconds * 1000
  return accept({ type: 'member.muted', data: { user: c.data.user, until } })
}

export function unmuteMember(c: CommandOf<'member.unmute'> & Meta, s: ConversationState): Decision {
  const denied =
    mustBeGroup(s) ?? mustHaveRank(s, c.actor, ADMIN_RANK, 'only the owner and admins unmute members') ?? mustOutrank(s, c.actor, c.data.user, 'unmute')
  if (denied) return reject(denied)
  if ((s.members.get(c.data.user)?.mutedUntil ?? 0) <= c.metadata.now) return accept()
  return accept({ type: 'member.unmuted', data: { user: c.data.user } })
}

export function dissolve(c: CommandOf<'group.dissolve'>, s: ConversationState): Decision {
  const denied = mustBeGroup(s) ?? mustHaveRank(s, c.actor, OWNER_RANK, 'only the owner dissolves the group')
  if (denied) return reject(denied)
  return accept({ type: 'group.dissolved', data: {} })
}
