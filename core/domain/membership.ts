import type { EventOf, SeqlineEvent } from '../../schemas/index.js'
import type { Role } from './state.js'

export interface MembershipChange {
  added: readonly string[]
  removed: readonly string[]
}

const NONE: MembershipChange = { added: [], removed: [] }

/** The members a conversation is created with: both sides of a direct one (plain members), a group's as listed. */
export function foundingMembers(e: EventOf<'conversation.created'>): ReadonlyArray<{ user: string; role: Role }> {
  return e.data.kind === 'direct' ? e.data.members.map((user) => ({ user, role: 'member' as const })) : e.data.members
}

/**
 * The users an event makes members of its conversation, or removes from it.
 * The one place membership is derived: the decider's state, the views and live delivery all follow it.
 */
export function membershipChange(e: SeqlineEvent): MembershipChange {
  switch (e.type) {
    case 'conversation.created':
      return { added: foundingMembers(e).map((m) => m.user), removed: [] }
    case 'member.invited':
      return { added: e.data.users, removed: [] }
    case 'member.joined':
      return { added: [e.data.user], removed: [] }
    case 'member.left':
    case 'member.kicked':
      return { added: [], removed: [e.data.user] }
    default:
      return NONE
  }
}
