// KV keys allow [-/=.A-Za-z0-9_]; direct ids carry '~', which becomes '=' (never in an id).
export const enc = (id: string) => id.replaceAll('~', '=')
export const decodeConv = (key: string) => key.replaceAll('=', '~')

export const keys = {
  head: (conv: string) => `h.${enc(conv)}`,
  headPrefix: 'h.',
  members: (conv: string) => `m.${enc(conv)}`,
  read: (conv: string, user: string) => `r.${enc(conv)}.${user}`,
  readPrefix: (conv: string) => `r.${enc(conv)}.`,
  user: (user: string) => `u.${user}`,
  chunk: (conv: string, index: number) => `x.${enc(conv)}.${index}`,
  due: (conv: string) => `d.${enc(conv)}`,
  duePrefix: 'd.',
}
