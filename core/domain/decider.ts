import type { SeqlineEvent } from '../../schemas/index.js'
import { createChannel } from './decide-channel.js'
import { configureBurn, configureNotifications, createDirect, createGroup, deleteForMe, markRead } from './decide-conversation.js'
import * as group from './decide-group.js'
import { burn, edit, recall, send } from './decide-message.js'
import { pin, unpin } from './decide-pins.js'
import { react, unreact } from './decide-reactions.js'
import { configureRetention, eraseContent } from './decide-retention.js'
import type { DecidableCommand, Decision } from './decision.js'
import { evolve } from './evolve.js'
import { DEFAULT_POLICY, type Policy } from './policy.js'
import { type ConversationState, initialState } from './state.js'

/**
 * A decider in the shape event-sourcing libraries such as Emmett use:
 * decide(command, state) → events or a refusal, evolve(state, event) → state,
 * and the state before the first event. Pure: no I/O.
 */
export interface Decider {
  decide(command: DecidableCommand, state: ConversationState): Decision
  evolve(state: ConversationState, event: SeqlineEvent): ConversationState
  initialState(): ConversationState
}

/** The conversation decider under a policy. */
export function createDecider(policy: Policy = DEFAULT_POLICY): Decider {
  return { decide: (c, s) => decide(c, s, policy), evolve, initialState }
}

function decide(c: DecidableCommand, s: ConversationState, policy: Policy): Decision {
  switch (c.type) {
    case 'conversation.create-direct':
      return createDirect(c, s)
    case 'group.create':
      return createGroup(c, s, policy)
    case 'group.invite':
      return group.invite(c, s, policy)
    case 'group.join':
      return group.join(c, s, policy)
    case 'group.leave':
      return group.leave(c, s)
    case 'group.kick':
      return group.kick(c, s)
    case 'group.change-role':
      return group.changeRole(c, s)
    case 'group.transfer-ownership':
      return group.transferOwnership(c, s)
    case 'group.update-info':
      return group.updateInfo(c, s)
    case 'group.mute':
    case 'group.unmute':
      return group.muteGroup(c, s)
    case 'member.mute':
      return group.muteMember(c, s)
    case 'member.unmute':
      return group.unmuteMember(c, s)
    case 'group.dissolve':
      return group.dissolve(c, s)
    case 'message.send':
      return send(c, s)
    case 'message.edit':
      return edit(c, s, policy)
    case 'message.recall':
      return recall(c, s, policy)
    case 'message.delete-for-me':
      return deleteForMe(c, s)
    case 'conversation.read':
      return markRead(c, s)
    case 'burn.configure':
      return configureBurn(c, s, policy)
    case 'notifications.configure':
      return configureNotifications(c, s)
    case 'message.burn':
      return burn(c, s)
    case 'retention.configure':
      return configureRetention(c, s)
    case 'content.erase':
      return eraseContent(c, s)
    case 'channel.create':
      return createChannel(c, s, policy)
    case 'reaction.add':
      return react(c, s, policy)
    case 'reaction.remove':
      return unreact(c, s)
    case 'message.pin':
      return pin(c, s, policy)
    case 'message.unpin':
      return unpin(c, s)
  }
}
