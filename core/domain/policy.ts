/** Tunable domain limits; passed to the decider so that rules stay pure. */
export interface Policy {
  recallWindowSeconds: number
  maxGroupMembers: number
  burnDefaultSeconds: number
  /** Distinct reaction keys one message may carry. */
  maxReactionKeys: number
  /** Messages a conversation may have pinned at once. */
  maxPins: number
}

export const DEFAULT_POLICY: Policy = {
  recallWindowSeconds: 120,
  maxGroupMembers: 10_000,
  burnDefaultSeconds: 30,
  maxReactionKeys: 20,
  maxPins: 10,
}
