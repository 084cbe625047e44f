import { LRUCache } from 'lru-cache'
import type { ConversationState } from '../domain/index.js'
import type { Head } from '../log/event-log.js'

/** What the handler knows of one conversation: its state and the log position that state reflects. */
export interface Loaded {
  state: ConversationState
  head: Head
  /** The hash of the head event's link form, which the next event names as its prev; absent before the first event. */
  hash?: string
}

// Rough V8 costs in bytes. The estimate only has to grow with what a state
// holds, so that one large group weighs as much as the many small
// conversations it displaces; it is computed on every append, so it counts
// entries rather than walking strings.
const OBJECT = 64
const MAP_ENTRY = 48
/** An id of at most 64 characters, at two bytes each. */
const ID = 128
const SHELL = 5 * OBJECT // the entry, its head, the state, its burn setting, the maps' headers

/** The estimated memory one cached conversation holds. */
export function loadedBytes(conv: string, { state }: Loaded): number {
  let bytes = SHELL + 2 * conv.length
  bytes += state.members.size * (MAP_ENTRY + ID + OBJECT)
  bytes += (state.former.size + state.formerMutes.size) * (MAP_ENTRY + ID)
  bytes += state.gone.size * MAP_ENTRY
  for (const edits of state.edits.values()) bytes += MAP_ENTRY + OBJECT + edits.length * 8
  for (const remembered of state.recent.values()) bytes += MAP_ENTRY + ID + remembered.length * (OBJECT + ID)
  for (const keys of state.reactions.values()) for (const users of keys.values()) bytes += MAP_ENTRY + OBJECT + users.size * (MAP_ENTRY + ID)
  bytes += state.pins.length * (OBJECT + ID)
  return bytes
}

/** Conversation states kept in memory, least recently used forgotten first once they hold more than `maxBytes`. */
export function stateCache(maxBytes: number): LRUCache<string, Loaded> {
  return new LRUCache<string, Loaded>({ maxSize: maxBytes, sizeCalculation: (loaded, conv) => loadedBytes(conv, loaded) })
}
