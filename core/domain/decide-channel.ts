import type { CommandOf } from '../../schemas/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { accept, type Decision, defined, reject } from './decision.js'
import type { Policy } from './policy.js'
import { refuse } from './refusal.js'
import type { ConversationState } from './state.js'

/**
 * A broadcast channel: a group whose plain members are subscribers, who read
 * (and react) but do not post; the group commands (invite, join, leave, kick,
 * roles, mute, dissolve) apply to it as they are.
 */
export function createChannel(c: CommandOf<'channel.create'>, s: ConversationState, policy: Policy): Decision {
  if (s.kind !== 'none') return reject(refuse('ALREADY_EXISTS'))
  if (!c.conv.startsWith('c_')) return reject(refuse('CONVERSATION_ID_MISMATCH', 'a channel id starts with c_'))
  if (c.actor === SYSTEM_ACTOR) return reject(refuse('FORBIDDEN_ROLE', 'a channel is created by the user who will own it'))
  const admins = (c.data.admins ?? []).filter((u) => u !== c.actor)
  const plain = (c.data.subscribers ?? []).filter((u) => u !== c.actor && !admins.includes(u))
  if (1 + admins.length + plain.length > policy.maxChannelMembers) {
    return reject(refuse('GROUP_FULL', `at most ${policy.maxChannelMembers} subscribers`))
  }
  const members = [
    { user: c.actor, role: 'owner' as const },
    ...admins.map((user) => ({ user, role: 'admin' as const })),
    ...plain.map((user) => ({ user, role: 'member' as const })),
  ]
  const { name, avatar, notice } = c.data
  return accept({
    type: 'conversation.created',
    data: { kind: 'channel', name, joinable: c.data.joinable ?? false, members, ...defined({ avatar, notice }) },
  })
}
