import type { Cursor, StoredEvent } from '../../core/log/index.js'

/**
 * Where a process's live events come from, as the hub and its sessions use it:
 * the whole log followed (LogFeed), or the conversations of local sockets only
 * (InterestFeed). Either way every event of a conversation a local socket is
 * in, or that adds or removes a connected user, is routed once, in seq order
 * (by interest, one whose copy was lost only once the gap shows: a later
 * copy, a reconnect, or the periodic check).
 */
export interface LiveSource {
  start(): Promise<void>
  stop(): Promise<void>
  /** Where the views must have got before a connection seeds its memberships from them: what comes after reaches it live. */
  seedPoint(user: string): Promise<Cursor>
  /** As things stand now, whether a stored event of the conversation is left to live delivery (a sync serves the others). */
  liveAfter(conv: string): (stored: StoredEvent) => boolean
  /** A conversation got its first local member's socket, which has (or syncs) what it needs up to `asOf`. */
  watch(conv: string, asOf: number): void
  /** A conversation lost its last local member's socket. */
  unwatch(conv: string): void
  /** A user's first socket here opened. */
  watchUser(user: string): void
  /** A user's last socket here closed. */
  unwatchUser(user: string): void
}
