import type { SeqlineEvent } from '../../schemas/index.js'
import type { ConversationState } from './state.js'

type AttachedEvent = Extract<SeqlineEvent, { type: 'reaction.added' | 'reaction.removed' | 'message.pinned' | 'message.unpinned' }>

/** Reactions and pins: what members attach to a message, kept apart from the message itself. */
export function evolveAttached(state: ConversationState, event: AttachedEvent): ConversationState {
  const { target } = event.data
  switch (event.type) {
    case 'reaction.added':
    case 'reaction.removed': {
      const keys = new Map(state.reactions.get(target))
      const users = new Set(keys.get(event.data.key))
      if (event.type === 'reaction.added') users.add(event.actor)
      else users.delete(event.actor)
      if (users.size > 0) keys.set(event.data.key, users)
      else keys.delete(event.data.key)
      const reactions = new Map(state.reactions)
      if (keys.size > 0) reactions.set(target, keys)
      else reactions.delete(target)
      return { ...state, reactions }
    }
    case 'message.pinned':
      return { ...state, pins: [...state.pins, { seq: target, by: event.actor, at: event.at }] }
    case 'message.unpinned':
      return { ...state, pins: state.pins.filter((p) => p.seq !== target) }
  }
}

/** Messages whose content an event takes away (recall, burn, erasure): their reactions and pins go with them. */
export function detachGone(state: ConversationState, event: SeqlineEvent): ConversationState {
  const gone = goneTargets(event)
  if (gone.length === 0) return state
  if (!gone.some((t) => state.reactions.has(t) || state.pins.some((p) => p.seq === t))) return state
  const reactions = new Map(state.reactions)
  for (const t of gone) reactions.delete(t)
  return { ...state, reactions, pins: state.pins.filter((p) => !gone.includes(p.seq)) }
}

/** The messages an event recalls, burns or erases. */
export function goneTargets(event: SeqlineEvent): number[] {
  if (event.type === 'message.recalled' || event.type === 'message.burned') return [event.data.target]
  if (event.type === 'content.erased') return event.data.targets.map((t) => t.seq)
  return []
}
