// The command stream of the projection benchmarks: `convs` groups of three
// created first, then messages round-robin over them with every tenth command
// a read. Command i goes to group i % convs, and one conversation's commands
// run in the order they are issued (the handler queues them per conversation),
// so the seq each command gets is known in advance: a read can name the last
// seq before it without asking the log.
const MEMBERS = ['alice', 'bob', 'carol'] as const
const TEXT = 'x'.repeat(100)

export interface GroupWorkload {
  convs: number
  conv(index: number): string
  /** The command with index i (0-based); the first `convs` create the groups. */
  command(i: number): unknown
  /** The seq a group's log ends at once commands 0 .. issued-1 were accepted. */
  headAfter(conv: number, issued: number): number
}

export function groupWorkload(prefix: string, convs: number): GroupWorkload {
  const conv = (index: number) => `g_${prefix}_${index}`
  const command = (i: number) => {
    const c = conv(i % convs)
    // k-th command of its group: the group's event at seq k + 1.
    const k = Math.floor(i / convs)
    if (k === 0) return { type: 'group.create', id: 'create', conv: c, actor: MEMBERS[0], data: { name: 'bench', members: MEMBERS.slice(1) } }
    const actor = MEMBERS[k % MEMBERS.length]!
    if (k % 10 === 0) return { type: 'conversation.read', id: `r${k}`, conv: c, actor, data: { upTo: k } }
    return { type: 'message.send', id: `m${k}`, conv: c, actor, data: { content: { type: 'text', text: TEXT } } }
  }
  const headAfter = (index: number, issued: number) => Math.max(0, Math.ceil((issued - index) / convs))
  return { convs, conv, command, headAfter }
}
