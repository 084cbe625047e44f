import type { CommandOf } from '../../schemas/index.js'
import { mustNotBeBlocked } from './blocking.js'
import { liveTarget } from './decide-message.js'
import { accept, type CommandMetadata, type Decision, reject } from './decision.js'
import type { Policy } from './policy.js'
import { refuse } from './refusal.js'
import { mustBeMember, mustBeWritable } from './rules.js'
import type { ConversationState } from './state.js'

type Meta = { metadata: CommandMetadata }

/**
 * A member adds a reaction to a live message: once per (user, key, message),
 * and a message carries at most policy.maxReactionKeys distinct keys. A
 * reaction is no post: a muted member still reacts.
 */
export function react(c: CommandOf<'reaction.add'> & Meta, s: ConversationState, policy: Policy): Decision {
  const { target, key } = c.data
  const denied = mustBeWritable(s) ?? mustBeMember(s, c.actor) ?? mustNotBeBlocked(s, c.metadata) ?? liveTarget(target, c.metadata.target, s)
  if (denied) return reject(denied)
  const keys = s.reactions.get(target)
  if (keys?.get(key)?.has(c.actor)) return reject(refuse('ALREADY_REACTED', `${key} on seq ${target}`))
  if (!keys?.has(key) && (keys?.size ?? 0) >= policy.maxReactionKeys) {
    return reject(refuse('REACTION_KEYS_FULL', `seq ${target} has ${policy.maxReactionKeys} keys`))
  }
  return accept({ type: 'reaction.added', data: { target, key } })
}

/** A member takes back a reaction of their own; a gone message's reactions went with it. */
export function unreact(c: CommandOf<'reaction.remove'> & Meta, s: ConversationState): Decision {
  const { target, key } = c.data
  const denied = mustBeWritable(s) ?? mustBeMember(s, c.actor) ?? goneOrAbsent(target, s)
  if (denied) return reject(denied)
  if (!s.reactions.get(target)?.get(key)?.has(c.actor)) return reject(refuse('REACTION_NOT_FOUND', `${key} on seq ${target}`))
  return accept({ type: 'reaction.removed', data: { target, key } })
}

function goneOrAbsent(target: number, s: ConversationState) {
  if (target > s.seq) return refuse('TARGET_NOT_FOUND', `seq ${target}`)
  return s.gone.has(target) ? refuse('TARGET_GONE', `seq ${target} was ${s.gone.get(target)}`) : null
}
