// KV keys allow [-/=.A-Za-z0-9_]; direct ids carry '~', which becomes '=' (never in an id).
export const enc = (id: string) => id.replaceAll('~', '=')
export const decodeConv = (key: string) => key.replaceAll('=', '~')

export const keys = {
  head: (conv: string) => `h.${enc(conv)}`,
  headPrefix: 'h.',
  /** One record per member, current or former: a join or a leave writes one record, however large the group. */
  member: (conv: string, user: string) => `m.${enc(conv)}.${user}`,
  memberPrefix: (conv: string) => `m.${enc(conv)}.`,
  /** View counts of a channel: a Fenwick tree over read positions (see view-counts.ts). */
  viewChunk: (conv: string, chunk: number) => `v.${enc(conv)}.${chunk}`,
  viewTop: (conv: string) => `v.${enc(conv)}.top`,
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
