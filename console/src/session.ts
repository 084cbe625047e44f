/**
 * Who is signed in. An operator holds the service credential (printed by `seqline up`) and acts as
 * users it picks or registers; a user holds their own token. Kept in sessionStorage: it ends with the
 * tab, and never leaves this origin.
 */
export type Session = { kind: 'operator'; serviceToken: string } | { kind: 'user'; token: string; user: string }

const KEY = 'seqline-console-session'

export function loadSession(): Session | null {
  try {
    const text = sessionStorage.getItem(KEY)
    return text ? (JSON.parse(text) as Session) : null
  } catch {
    return null
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session))
  else sessionStorage.removeItem(KEY)
  if (!session) saveActing(null)
}

/** The user a token names (its `sub`); the server checks the token, this only reads it. */
export function userOfToken(token: string): string {
  const payload = token.split('.')[1]
  if (!payload) throw new Error('not a token: a user token has three parts separated by dots')
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown }
    if (typeof claims.sub === 'string' && claims.sub !== '') return claims.sub
  } catch {
    // fall through to the error below
  }
  throw new Error('not a token: it names no user (sub)')
}

/** The user an operator acts as, kept beside the session so that moving between pages keeps it. */
export interface Acting {
  user: string
  token: string
}

const ACTING_KEY = 'seqline-console-acting'

export function loadActing(): Acting | null {
  try {
    const text = sessionStorage.getItem(ACTING_KEY)
    return text ? (JSON.parse(text) as Acting) : null
  } catch {
    return null
  }
}

export function saveActing(acting: Acting | null): void {
  if (acting) sessionStorage.setItem(ACTING_KEY, JSON.stringify(acting))
  else sessionStorage.removeItem(ACTING_KEY)
}
