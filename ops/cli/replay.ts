// `seqline replay`: folds a conversation's events through the domain's evolve,
// as the command handler does, and prints the state as of a seq — who was a
// member with which role, who had left, mutes, dissolution — for audits.
import { type ConversationState, evolve, initialState } from '../../core/domain/index.js'
import type { EventLog } from '../../core/log/index.js'
import { conversationEvents } from '../../core/log/index.js'

export interface Replayed {
  conv: string
  seq: number
  state: ConversationState
}

export async function replay(log: EventLog, conv: string, untilSeq?: number): Promise<Replayed> {
  const head = (await log.head(conv)).seq
  const upTo = Math.min(untilSeq ?? head, head)
  let state = initialState()
  for await (const event of conversationEvents(log, conv, upTo)) state = evolve(state, event)
  return { conv, seq: upTo, state }
}

/** The replayed state as JSON a person or a script can read. */
export function describeState({ conv, seq, state }: Replayed) {
  return {
    conv,
    asOfSeq: seq,
    kind: state.kind,
    members: Object.fromEntries(
      [...state.members].map(([user, m]) => [user, { role: m.role, ...(m.mutedUntil ? { mutedUntil: new Date(m.mutedUntil).toISOString() } : {}) }]),
    ),
    former: Object.fromEntries(state.former),
    groupMuted: state.groupMuted,
    dissolved: state.dissolved,
    burn: state.burn,
    recalledOrBurned: Object.fromEntries(state.gone),
  }
}
