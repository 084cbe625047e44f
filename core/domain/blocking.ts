import type { CommandType } from '../../schemas/index.js'
import type { CommandMetadata } from './decision.js'
import { type Refusal, refuse } from './refusal.js'
import type { ConversationState } from './state.js'

/**
 * The commands a block refuses in a direct conversation: opening it, and
 * writing into it what the blocker would see (a reaction included). Reading, marking read,
 * recalling or hiding one's own messages stay open. The handler asks the
 * blocker's log (core/users) only for these, and passes the answer in.
 */
export const BLOCKABLE_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>(['conversation.create-direct', 'message.send', 'message.edit', 'reaction.add'])

/**
 * Whether a block stops the actor here. Blocks are between two users and
 * belong to direct conversations (and opening one): groups are never affected. `blocked` is
 * what the handler found in the other member's log (CommandMetadata.blocked),
 * so the decider stays pure. The refusal says no more than that the other
 * side does not accept this: not since when, nor anything of the list.
 */
export function mustNotBeBlocked(state: ConversationState, metadata: Pick<CommandMetadata, 'blocked'>): Refusal | null {
  if ((state.kind !== 'direct' && state.kind !== 'none') || !metadata.blocked) return null
  return refuse('BLOCKED')
}
