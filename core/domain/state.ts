import { PersistentMap } from './persistent-map.js'

export type Role = 'owner' | 'admin' | 'member'

export interface Member {
  role: Role
  /** Epoch ms until which the member may not post; 0 when not muted. */
  mutedUntil: number
}

/** A remembered command: who sent which id, and the seq its event got. */
interface RememberedCommand {
  cmd: string
  seq: number
}

/**
 * What the decider needs to know about one conversation. Maps and sets are
 * replaced, never mutated, so every state is a value; they change only on
 * membership, recall and burn events, so the per-message cost stays flat.
 * The member maps are persistent (see persistent-map.ts): a join or a leave
 * costs O(log n) however large the group or channel, not a copy of the list.
 */
export interface ConversationState {
  kind: 'none' | 'direct' | 'group' | 'channel'
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
  /** Messages that are no longer live, by seq; erased ones by a retention policy or a user erasure. */
  gone: ReadonlyMap<number, 'recalled' | 'burned' | 'erased'>
  /** The edits of each message whose content is still in the log: an erasure erases them with it. */
  edits: ReadonlyMap<number, readonly number[]>
  /** Days the conversation's own retention policy keeps content; null when the default of its kind applies. */
  retention: number | null
  /**
   * Per actor, its last commands here (newest last), the actor whose last
   * command is oldest first: a retry is answered with its original seq
   * however much others wrote meanwhile.
   */
  recent: ReadonlyMap<string, readonly RememberedCommand[]>
  /** Per live message with reactions, per key (in first-use order), who reacts with it: one reaction per (user, key, message). */
  reactions: ReadonlyMap<number, ReadonlyMap<string, ReadonlySet<string>>>
  /** Pinned live messages in the order they were pinned, the latest last. */
  pins: readonly PinnedMessage[]
}

interface PinnedMessage {
  seq: number
  by: string
  at: number
}

export const initialState = (): ConversationState => ({
  kind: 'none',
  seq: 0,
  members: PersistentMap.empty(),
  former: PersistentMap.empty(),
  formerMutes: PersistentMap.empty(),
  groupMuted: false,
  dissolved: false,
  joinable: false,
  burn: { enabled: false, seconds: 30 },
  gone: new Map(),
  edits: new Map(),
  retention: null,
  recent: new Map(),
  reactions: new Map(),
  pins: [],
})

export function rememberedSeq(state: ConversationState, actor: string, commandId: string): number | undefined {
  return state.recent.get(actor)?.find((r) => r.cmd === commandId)?.seq
}

export function ownerOf(state: ConversationState): string | undefined {
  for (const [user, m] of state.members) if (m.role === 'owner') return user
  return undefined
}

/**
 * Retries beyond the log's duplicate window (2 min) are answered from these:
 * each actor's last REMEMBERED_PER_ACTOR commands, for the REMEMBERED_ACTORS
 * actors who wrote most recently. A client that retries each command until it
 * is answered, with fewer than REMEMBERED_PER_ACTOR in flight per
 * conversation, can never store one twice, however long an outage lasts.
 */
export const REMEMBERED_PER_ACTOR = 16
export const REMEMBERED_ACTORS = 256
