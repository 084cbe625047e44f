// Lays out the WebSocket benchmark's conversations in its log. Setup goes
// straight through a command handler rather than the API: it is not what is
// measured, and the API's own handler catches up with these events on its
// first command (the log's optimistic concurrency makes two handlers safe).
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import type { EventLog } from '../../../core/log/index.js'
import { pipelined } from '../shared/stats.js'
import type { ConvPlan, Topology } from './topology.js'

/** group.create and group.invite take at most this many users at once. */
const MEMBERS_PER_COMMAND = 1000

/** Creates every conversation of the topology; returns the head seq of each (what the clients already hold). */
export async function createConversations(log: EventLog, t: Topology, window: number): Promise<Map<string, number>> {
  const handler = new CommandHandler(log, createDecider())
  const heads = new Map<string, number>()
  await pipelined(t.convs.length, window, async (i) => {
    const plan = t.convs[i]!
    let seq = 0
    for (const command of commandsOf(plan, t.users)) {
      const r = await handler.execute(command)
      if (!r.ok) throw new Error(`setup of ${plan.conv} refused: ${JSON.stringify(r)}`)
      seq = r.seq
    }
    heads.set(plan.conv, seq)
  })
  return heads
}

/** The commands that create one conversation: a direct open, or a group create followed by invites beyond the first batch. */
function commandsOf(plan: ConvPlan, users: string[]): object[] {
  const [owner, ...rest] = plan.members.map((m) => users[m]!)
  if (plan.kind === 'direct') return [{ type: 'conversation.create-direct', id: 'open', conv: plan.conv, actor: owner, data: { peer: rest[0] } }]
  const batches: string[][] = []
  for (let i = 0; i < rest.length; i += MEMBERS_PER_COMMAND) batches.push(rest.slice(i, i + MEMBERS_PER_COMMAND))
  const [first = [], ...more] = batches
  return [
    { type: 'group.create', id: 'create', conv: plan.conv, actor: owner, data: { name: 'bench', members: first } },
    ...more.map((users, i) => ({ type: 'group.invite', id: `invite${i}`, conv: plan.conv, actor: owner, data: { users } })),
  ]
}
