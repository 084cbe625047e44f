import { SeqlineClient } from '@seqline/client'
import { SeqlineAdmin } from '@seqline/client/admin'

/** The console is served by the API it talks to: same origin, so no CORS and the WebSocket's Origin check passes. */
export const API = location.origin

export const adminOf = (serviceToken: string) => new SeqlineAdmin({ url: API, token: serviceToken })

export const clientOf = (token: string) => new SeqlineClient({ url: API, token })

/** How long a token minted for acting as a user lasts: a working day at the console. */
const ACT_AS_SECONDS = 12 * 3600

/** A token for a user, registering them first when they are not yet (an existing profile is left as it is). */
export async function actAs(admin: SeqlineAdmin, user: string): Promise<string> {
  try {
    await admin.getUser(user)
  } catch (err) {
    if ((err as { code?: string }).code !== 'USER_NOT_FOUND') throw err
    await admin.putUser(user, {})
  }
  return (await admin.mintToken(user, ACT_AS_SECONDS)).token
}

/** What went wrong, for a person: the server's message names the rule or the field. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return 'code' in err ? `${err.message} (${String((err as { code: unknown }).code)})` : err.message
  return String(err)
}
