export type Role = 'owner' | 'admin' | 'member'

export interface Member {
  role: Role
  /** Epoch ms until which the member may not post; 0 when not muted. */
  mutedUntil: number
}

/** A remembered command: who sent which id, and the seq its event got. */
export interface RememberedCommand {
  key: string
  seq: number
}

/**
 * What the decider needs to know about one conversation. Maps and sets are
 * replaced, never mutated, so every state is a value; they change only on
 * membership, recall and burn events, so the per-message cost stays flat.
 */
export interface ConversationState {
  kind: 'none' | 'direct' | 'group'
  seq: number
  members: ReadonlyMap<string, Member>
  /** Former members and the seq at which they left: they keep reading up to it. */
  former: ReadonlyMap<string, number>
  /** Mute deadlines of former members, restored if they come back: leaving is no way out of a mute. */
  formerMutes: ReadonlyMap<string, number>
  groupMuted: boolean
  dissolved: boolean
  joinable: boolean
  burn: { enabled: boolean; seconds: number }
  /** Messages that are no longer live, by seq. */
  gone: ReadonlyMap<number, 'recalled' | 'burned'>
  recent: readonly RememberedCommand[]
}

export const initialState = (): ConversationState => ({
  kind: 'none',
  seq: 0,
  members: new Map(),
  former: new Map(),
  formerMutes: new Map(),
  groupMuted: false,
  dissolved: false,
  joinable: false,
  burn: { enabled: false, seconds: 30 },
  gone: new Map(),
  recent: [],
})

export function commandKey(actor: string, commandId: string): string {
  return `${actor}/${commandId}`
}

export function rememberedSeq(state: ConversationState, actor: string, commandId: string): number | undefined {
  const key = commandKey(actor, commandId)
  return state.recent.find((r) => r.key === key)?.seq
}

export function ownerOf(state: ConversationState): string | undefined {
  for (const [user, m] of state.members) if (m.role === 'owner') return user
  return undefined
}

/** How many recent command ids a conversation remembers, to answer retries beyond the log's duplicate window. */
export const REMEMBERED_COMMANDS = 64
