// The order in which the clients take their turns to send. Round-robin over
// u0, u1, u2, ... (the default, as every stop measured) sends a group's members
// one after another: in each pass half of the group's ten members send to it
// within nine sends, a burst of five commands on one conversation in under 4 ms
// at 2,500/s, which queue behind each other's appends. Shuffled, a fixed random
// permutation, spreads a group's senders over the pass as independent users
// would be.
import { mulberry32 } from '../shared/random.js'

export type SendOrder = 'round-robin' | 'shuffled'

const SEED = 0x5e9_1e

/** Which client sends the i-th send of each pass, by position in the pass. */
export function sendersInOrder(order: SendOrder, clients: number): number[] {
  const senders = Array.from({ length: clients }, (_, i) => i)
  if (order === 'round-robin') return senders
  // Fisher–Yates with a fixed seed: every run, and every build compared, gets the same order.
  const rng = mulberry32(SEED)
  for (let i = clients - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[senders[i], senders[j]] = [senders[j]!, senders[i]!]
  }
  return senders
}
