import type { SeqlineEvent } from '../../schemas/index.js'
import { detachGone, evolveAttached } from './evolve-attached.js'
import { foundingMembers, membershipChange } from './membership.js'
import { PersistentMap } from './persistent-map.js'
import { type ConversationState, type Member, REMEMBERED_ACTORS, REMEMBERED_PER_ACTOR } from './state.js'

/** The state after one more event. Pure: the input state is never changed. */
export function evolve(state: ConversationState, event: SeqlineEvent): ConversationState {
  return { ...detachGone(applyEvent(state, event), event), seq: event.seq, recent: remember(state, event) }
}

function remember(state: ConversationState, event: SeqlineEvent): ConversationState['recent'] {
  const recent = new Map(state.recent)
  const mine = [...(recent.get(event.actor) ?? []), { cmd: event.cmd, seq: event.seq }]
  // Deleted and set again, so the map stays ordered by each actor's latest command.
  recent.delete(event.actor)
  recent.set(event.actor, mine.length > REMEMBERED_PER_ACTOR ? mine.slice(mine.length - REMEMBERED_PER_ACTOR) : mine)
  if (recent.size > REMEMBERED_ACTORS) recent.delete(recent.keys().next().value!)
  return recent
}

function applyEvent(state: ConversationState, event: SeqlineEvent): ConversationState {
  switch (event.type) {
    case 'conversation.created': {
      let members = PersistentMap.empty<Member>()
      for (const m of foundingMembers(event)) members = members.with(m.user, { role: m.role, mutedUntil: 0 })
      return event.data.kind === 'direct' ? { ...state, kind: 'direct', members } : { ...state, kind: event.data.kind, members, joinable: event.data.joinable }
    }
    case 'member.invited':
    case 'member.joined':
      return addMembers(state, membershipChange(event).added)
    case 'member.left':
    case 'member.kicked':
      return removeMembers(state, membershipChange(event).removed, event.seq)
    case 'member.role_changed':
      return updateMember(state, event.data.user, { role: event.data.role })
    case 'group.ownership_transferred':
      return updateMember(updateMember(state, event.data.from, { role: 'admin' }), event.data.to, { role: 'owner' })
    case 'group.info_updated':
      return event.data.joinable === undefined ? state : { ...state, joinable: event.data.joinable }
    case 'group.muted':
      return { ...state, groupMuted: true }
    case 'group.unmuted':
      return { ...state, groupMuted: false }
    case 'member.muted':
      return updateMember(state, event.data.user, { mutedUntil: event.data.until })
    case 'member.unmuted':
      return updateMember(state, event.data.user, { mutedUntil: 0 })
    case 'group.dissolved':
      return { ...state, dissolved: true }
    case 'burn.configured':
      return { ...state, burn: { enabled: event.data.enabled, seconds: event.data.seconds } }
    case 'message.recalled': {
      const gone = new Map(state.gone).set(event.data.target, 'recalled')
      return event.data.erase ? { ...state, gone, edits: without(state.edits, [event.data.target]) } : { ...state, gone }
    }
    case 'message.burned':
      return { ...state, gone: new Map(state.gone).set(event.data.target, 'burned'), edits: without(state.edits, [event.data.target]) }
    case 'content.erased': {
      const gone = new Map(state.gone)
      for (const t of event.data.targets) gone.set(t.seq, 'erased')
      return {
        ...state,
        gone,
        edits: without(
          state.edits,
          event.data.targets.map((t) => t.seq),
        ),
      }
    }
    case 'message.edited': {
      const of = state.edits.get(event.data.target) ?? []
      return { ...state, edits: new Map(state.edits).set(event.data.target, [...of, event.seq]) }
    }
    case 'retention.configured':
      return { ...state, retention: event.data.days }
    case 'message.sent':
    case 'message.deleted_for_me':
    case 'notifications.configured':
    case 'conversation.read':
      return state
    case 'reaction.added':
    case 'reaction.removed':
    case 'message.pinned':
    case 'message.unpinned':
      return evolveAttached(state, event)
  }
}

/** The edits map without the messages whose content left the log. */
function without(edits: ConversationState['edits'], targets: readonly number[]): ConversationState['edits'] {
  if (!targets.some((t) => edits.has(t))) return edits
  const kept = new Map(edits)
  for (const t of targets) kept.delete(t)
  return kept
}

function addMembers(state: ConversationState, users: readonly string[]): ConversationState {
  let members = PersistentMap.of(state.members)
  let former = PersistentMap.of(state.former)
  let formerMutes = PersistentMap.of(state.formerMutes)
  for (const u of users) {
    members = members.with(u, { role: 'member', mutedUntil: formerMutes.get(u) ?? 0 })
    former = former.without(u)
    formerMutes = formerMutes.without(u)
  }
  return { ...state, members, former, formerMutes }
}

function removeMembers(state: ConversationState, users: readonly string[], seq: number): ConversationState {
  let members = PersistentMap.of(state.members)
  let former = PersistentMap.of(state.former)
  let formerMutes = PersistentMap.of(state.formerMutes)
  for (const user of users) {
    const mutedUntil = members.get(user)?.mutedUntil ?? 0
    members = members.without(user)
    former = former.with(user, seq)
    if (mutedUntil !== 0) formerMutes = formerMutes.with(user, mutedUntil)
  }
  return { ...state, members, former, formerMutes }
}

function updateMember(state: ConversationState, user: string, change: Partial<Member>): ConversationState {
  const current = state.members.get(user)
  if (!current) return state
  return { ...state, members: PersistentMap.of(state.members).with(user, { ...current, ...change }) }
}
