// Who talks to whom in the WebSocket benchmark: users u0..uN-1 in direct
// pairs (u0-u1, u2-u3, ...), in groups of a fixed size (u0..u9, u10..u19, ...),
// and the first F of them (all by default) in one fan-out group. Users are referred to by index; the
// conversation ids are the ones the domain derives or accepts.
import { directConversationId } from '../../../core/domain/index.js'

export interface ConvPlan {
  conv: string
  kind: 'direct' | 'group'
  /** User indexes; the first one creates the conversation (owner of a group). */
  members: number[]
  /** Position of each member in `members`, so a delivery finds its slot in O(1). */
  slot: Map<number, number>
}

export interface Topology {
  users: string[]
  convs: ConvPlan[]
  /** Per user: its direct conversation, undefined for the odd one out. */
  directOf: (ConvPlan | undefined)[]
  groupOf: ConvPlan[]
  fanout: ConvPlan
}

const userId = (i: number) => `u${i}`

/** @param fanoutSize members of the fan-out group: users u0.. up to that many (all by default) */
export function topology(clients: number, groupSize: number, fanoutSize = clients): Topology {
  const users = Array.from({ length: clients }, (_, i) => userId(i))
  const directOf: (ConvPlan | undefined)[] = new Array(clients).fill(undefined)
  const groupOf: ConvPlan[] = []
  const convs: ConvPlan[] = []
  for (let a = 0; a + 1 < clients; a += 2) {
    const plan = convPlan(directConversationId(users[a]!, users[a + 1]!), 'direct', [a, a + 1])
    convs.push(plan)
    directOf[a] = directOf[a + 1] = plan
  }
  for (let first = 0; first < clients; first += groupSize) {
    const members = range(first, Math.min(clients, first + groupSize))
    const plan = convPlan(`g_w${first / groupSize}`, 'group', members)
    convs.push(plan)
    for (const m of members) groupOf[m] = plan
  }
  const fanout = convPlan('g_all', 'group', range(0, Math.min(clients, fanoutSize)))
  convs.push(fanout)
  return { users, convs, directOf, groupOf, fanout }
}

/** The conversations a user is in: what its socket will receive. */
export function convsOf(t: Topology, user: number): ConvPlan[] {
  const direct = t.directOf[user]
  const convs = direct ? [direct, t.groupOf[user]!] : [t.groupOf[user]!]
  return t.fanout.slot.has(user) ? [...convs, t.fanout] : convs
}

function convPlan(conv: string, kind: ConvPlan['kind'], members: number[]): ConvPlan {
  return { conv, kind, members, slot: new Map(members.map((m, i) => [m, i])) }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i)
}
