/**
 * The cluster-wide online record, one KV bucket shared by every Seqline
 * process on the NATS system: `p.<process>` is a process's heartbeat (with how
 * often it beats), `u.<user>.<process>` says the user has at least one socket
 * open on that process. User ids and process ids never hold a dot.
 */
export const PRESENCE_BUCKET = 'seqline_presence'

export const presenceKeys = {
  process: (proc: string) => `p.${proc}`,
  user: (user: string, proc: string) => `u.${user}.${proc}`,
  /** Every user key of one process (a KV filter). */
  usersOf: (proc: string) => `u.*.${proc}`,
}

/** A process's heartbeat record. */
export interface Heartbeat {
  at: number
  everyMs: number
}

/** A process whose heartbeat is older than this many of its beats is gone, and its users with it. */
export const MISSED_BEATS = 3

/** Reads a key back into what it is about. */
export function parseKey(key: string): { process: string } | { user: string; process: string } | null {
  const [kind, a, b] = key.split('.')
  if (kind === 'p' && a && b === undefined) return { process: a }
  if (kind === 'u' && a && b) return { user: a, process: b }
  return null
}
