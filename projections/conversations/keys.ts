// KV keys allow [-/=.A-Za-z0-9_]; direct ids carry '~', which becomes '=' (never in an id).
const enc = (id: string) => id.replaceAll('~', '=')
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
  thread: (conv: string, root: number) => `t.${enc(conv)}.${root}`,
  replies: (conv: string, root: number, chunk: number) => `tl.${enc(conv)}.${root}.${chunk}`,
  reply: (conv: string, seq: number) => `tp.${enc(conv)}.${seq}`,
  roots: (conv: string, chunk: number) => `tr.${enc(conv)}.${chunk}`,
}
