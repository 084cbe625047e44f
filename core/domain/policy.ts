import { EDITS_PER_MESSAGE } from '../../schemas/index.js'

/** Tunable domain limits; passed to the decider so that rules stay pure. */
export interface Policy {
  recallWindowSeconds: number
  maxGroupMembers: number
  burnDefaultSeconds: number
  /** Edits one message takes; never above EDITS_PER_MESSAGE, the most a tombstone names. */
  maxEditsPerMessage: number
}

export const DEFAULT_POLICY: Policy = {
  recallWindowSeconds: 120,
  maxGroupMembers: 10_000,
  burnDefaultSeconds: 30,
  maxEditsPerMessage: EDITS_PER_MESSAGE,
}
