import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { type Refusal, refuse } from './refusal.js'
import type { ConversationState, Role } from './state.js'

/** Who outranks whom: owner over admin over member; Seqline itself over everyone. */
const RANK: Record<Role | 'system', number> = { member: 0, admin: 1, owner: 2, system: 3 }

export function rankOf(state: ConversationState, actor: string): number {
  if (actor === SYSTEM_ACTOR) return RANK.system
  const m = state.members.get(actor)
  return m ? RANK[m.role] : -1
}

export const ADMIN_RANK = RANK.admin
export const OWNER_RANK = RANK.owner

// Each guard returns the refusal that applies, or null; deciders chain them with ??.

function mustExist(state: ConversationState): Refusal | null {
  return state.kind === 'none' ? refuse('CONVERSATION_NOT_FOUND') : null
}

export function mustBeWritable(state: ConversationState): Refusal | null {
  return mustExist(state) ?? (state.dissolved ? refuse('DISSOLVED') : null)
}

/** A group, or a channel (a group whose plain members only read): membership commands apply to both. */
export function mustBeGroup(state: ConversationState): Refusal | null {
  return mustBeWritable(state) ?? (state.kind !== 'group' && state.kind !== 'channel' ? refuse('NOT_GROUP') : null)
}

export function mustBeMember(state: ConversationState, actor: string): Refusal | null {
  return rankOf(state, actor) < 0 ? refuse('NOT_MEMBER', actor) : null
}

export function mustHaveRank(state: ConversationState, actor: string, rank: number, what: string): Refusal | null {
  return mustBeMember(state, actor) ?? (rankOf(state, actor) < rank ? refuse('FORBIDDEN_ROLE', what) : null)
}

/**
 * A member may act on another only from a strictly higher rank (admins cannot
 * touch the owner or other admins). The owner is beyond everyone's reach,
 * Seqline's own included: a group always has an owner, changed only by transfer.
 */
export function mustOutrank(state: ConversationState, actor: string, target: string, what: string): Refusal | null {
  const member = state.members.get(target)
  if (!member) return refuse('TARGET_NOT_MEMBER', target)
  if (actor === target) return refuse('FORBIDDEN_ROLE', `cannot ${what} oneself`)
  if (member.role === 'owner') return refuse('FORBIDDEN_ROLE', `nobody may ${what} the owner; ownership moves only by transfer`)
  return rankOf(state, actor) > rankOf(state, target) ? null : refuse('FORBIDDEN_ROLE', `only a higher role may ${what} ${target}`)
}

/** May the actor post now: a channel's subscribers never, group mute and timed member mute, both checked against the clock. */
export function mustBeAllowedToPost(state: ConversationState, actor: string, now: number): Refusal | null {
  const denied = mustBeWritable(state) ?? mustBeMember(state, actor)
  if (denied) return denied
  if (state.kind === 'channel' && rankOf(state, actor) < ADMIN_RANK) return refuse('CHANNEL_READ_ONLY')
  if (state.groupMuted && rankOf(state, actor) < ADMIN_RANK) return refuse('GROUP_MUTED')
  const until = state.members.get(actor)?.mutedUntil ?? 0
  return until > now ? refuse('MUTED', `until ${new Date(until).toISOString()}`) : null
}

export function mustBeSeenSeq(state: ConversationState, seq: number): Refusal | null {
  return seq > state.seq ? refuse('SEQ_OUT_OF_RANGE', `seq ${seq} is beyond the head ${state.seq}`) : null
}
