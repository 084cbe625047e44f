// Fan-out: one message to the fan-out group (every client, or the first F), on a quiet system, until
// its last member has it. A few shots, one after another, so one shot's
// frames never queue behind another's.
import type { ClientPool } from './clients.js'
import { Ledger, type Verdict } from './ledger.js'
import { drain, sendOne } from './load.js'
import type { Topology } from './topology.js'

export interface FanoutRun {
  members: number
  /** Per shot: send → the last member's delivery, ms (NaN: someone never got it). */
  lastMemberMs: number[]
  /** Send → each member's delivery, every shot. */
  memberMs: number[]
  ackMs: number[]
  verdict: Verdict
}

const SHOTS = 10
const PAUSE_MS = 200

export async function fanout(pool: ClientPool, t: Topology): Promise<FanoutRun> {
  const ledger = new Ledger('f')
  pool.onEvent = (user, event, at) => ledger.delivered(user, event, at)
  for (let shot = 0; shot < SHOTS; shot++) {
    // The sender rotates, so no one socket's own echo is always first in line.
    await sendOne(pool, ledger, t.fanout, t.fanout.members[(shot * 7919) % t.fanout.members.length]!)
    await drain(ledger)
    await new Promise((r) => setTimeout(r, PAUSE_MS))
  }
  return { members: t.fanout.members.length, lastMemberMs: ledger.lastMemberMs(), memberMs: ledger.deliveryMs, ackMs: ledger.ackMs, verdict: ledger.verdict() }
}
