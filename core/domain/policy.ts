/** Tunable domain limits; passed to the decider so that rules stay pure. */
export interface Policy {
  recallWindowSeconds: number
  maxGroupMembers: number
  burnDefaultSeconds: number
}

export const DEFAULT_POLICY: Policy = {
  recallWindowSeconds: 120,
  maxGroupMembers: 10_000,
  burnDefaultSeconds: 30,
}
