import { EDITS_PER_MESSAGE } from '../../schemas/index.js'

/** Tunable domain limits; passed to the decider so that rules stay pure. */
export interface Policy {
  recallWindowSeconds: number
  maxGroupMembers: number
  burnDefaultSeconds: number
  /** Subscribers (owner and admins included) a channel may have. */
  maxChannelMembers: number
  /** Distinct reaction keys one message may carry. */
  maxReactionKeys: number
  /** Messages a conversation may have pinned at once. */
  maxPins: number
  /** Edits one message takes; never above EDITS_PER_MESSAGE, the most a tombstone names. */
  maxEditsPerMessage: number
}

export const DEFAULT_POLICY: Policy = {
  recallWindowSeconds: 120,
  maxGroupMembers: 100_000,
  burnDefaultSeconds: 30,
  maxChannelMembers: 100_000,
  maxReactionKeys: 20,
  maxPins: 10,
  maxEditsPerMessage: EDITS_PER_MESSAGE,
}

/** The member limit of a group or a channel. */
export function memberLimit(policy: Policy, kind: string): number {
  return kind === 'channel' ? policy.maxChannelMembers : policy.maxGroupMembers
}
