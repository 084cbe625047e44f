import type { CommandOf } from '../../schemas/index.js'
import { createWithRoles } from './decide-conversation.js'
import type { Decision } from './decision.js'
import type { Policy } from './policy.js'
import type { ConversationState } from './state.js'

/**
 * A broadcast channel: a group whose plain members are subscribers, who read
 * (and react) but do not post; the group commands (invite, join, leave, kick,
 * roles, mute, dissolve) apply to it as they are.
 */
export function createChannel(c: CommandOf<'channel.create'>, s: ConversationState, policy: Policy): Decision {
  return createWithRoles(c, s, { kind: 'channel', prefix: 'c_', limit: policy.maxChannelMembers, unit: 'subscribers', listed: c.data.subscribers ?? [] })
}
