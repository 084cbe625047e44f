import type { CommandOf } from '../../schemas/index.js'
import { liveTarget } from './decide-message.js'
import { accept, type CommandMetadata, type Decision, reject } from './decision.js'
import type { Policy } from './policy.js'
import { type Refusal, refuse } from './refusal.js'
import { ADMIN_RANK, mustBeMember, mustBeWritable, mustHaveRank } from './rules.js'
import type { ConversationState } from './state.js'

type Meta = { metadata: CommandMetadata }

/** Pins a live message: at most policy.maxPins at once, each once. */
export function pin(c: CommandOf<'message.pin'> & Meta, s: ConversationState, policy: Policy): Decision {
  const { target } = c.data
  const denied = mustBeWritable(s) ?? mayPin(s, c.actor) ?? liveTarget(target, c.metadata.target, s)
  if (denied) return reject(denied)
  if (s.pins.some((p) => p.seq === target)) return reject(refuse('ALREADY_PINNED', `seq ${target}`))
  if (s.pins.length >= policy.maxPins) return reject(refuse('PINS_FULL', `at most ${policy.maxPins}`))
  return accept({ type: 'message.pinned', data: { target } })
}

export function unpin(c: CommandOf<'message.unpin'> & Meta, s: ConversationState): Decision {
  const { target } = c.data
  const denied = mustBeWritable(s) ?? mayPin(s, c.actor)
  if (denied) return reject(denied)
  if (!s.pins.some((p) => p.seq === target)) return reject(refuse('NOT_PINNED', `seq ${target}`))
  return accept({ type: 'message.unpinned', data: { target } })
}

/** Either side of a direct conversation; in any other kind the owner and admins. */
function mayPin(s: ConversationState, actor: string): Refusal | null {
  if (s.kind === 'direct') return mustBeMember(s, actor)
  return mustHaveRank(s, actor, ADMIN_RANK, 'only the owner and admins pin and unpin messages')
}
