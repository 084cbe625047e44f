// core/domain: its public entry. Other parts import from here, not from the files behind it.
export { isPrivate, reaches } from './audience.js'
export { createDecider, type Decider } from './decider.js'
export type { TargetMessage } from './decision.js'
export { directConversationId } from './direct-id.js'
export { evolve } from './evolve.js'
export { foundingMembers, membershipChange } from './membership.js'
export { REFUSALS, type Refusal, type RefusalCode } from './refusal.js'
export { type ConversationState, initialState, type Role, rememberedSeq } from './state.js'
