// The WebSocket benchmark's sustained load: every client sends through its
// own socket at a paced total rate, round-robin over the clients, each client
// alternating between its direct peer and its group. Sends are open-loop
// (pace.ts): a slow server shows as a lower achieved rate and longer
// latencies, not as a politely slower client.
import { paced } from '../shared/pace.js'
import type { ClientPool } from './clients.js'
import { Ledger } from './ledger.js'
import type { ConvPlan, Topology } from './topology.js'

export interface LoadRun {
  ledger: Ledger
  /** From the first send to the last ack. */
  seconds: number
  /** Waiting, after the last ack, for deliveries still owed. */
  drainSeconds: number
}

/** Sends in flight at most; far above rate × latency, so only a stalled server reaches it. */
const WINDOW = 20_000
const DRAIN_TIMEOUT_MS = 15_000
const DRAIN_POLL_MS = 20
const TEXT = 'x'.repeat(100)

/**
 * @param prefix of the command ids: a phase's own, since a reused id is (rightly) answered as a duplicate
 * @param senders which client sends at each position of a pass over the clients (send-order.ts); round-robin by default
 */
export async function sustainedLoad(pool: ClientPool, t: Topology, rate: number, seconds: number, prefix = 'w', senders?: readonly number[]): Promise<LoadRun> {
  const ledger = new Ledger(prefix)
  pool.onEvent = (user, event, at) => ledger.delivered(user, event, at)
  const clients = pool.sockets.length
  const run = await paced(rate, seconds, WINDOW, async (i) => {
    const sender = senders ? senders[i % clients]! : i % clients
    await sendOne(pool, ledger, targetOf(t, sender, Math.floor(i / clients)), sender)
  })
  const drainSeconds = await drain(ledger)
  return { ledger, seconds: run.seconds, drainSeconds }
}

/** One message through the sender's socket, booked in the ledger; a refusal is booked, never thrown. */
export async function sendOne(pool: ClientPool, ledger: Ledger, plan: ConvPlan, sender: number): Promise<void> {
  const { id, index } = ledger.send(plan, sender)
  try {
    const ack = await pool.sockets[sender]!.sendCommand({ type: 'message.send', id, conv: plan.conv, data: { content: { type: 'text', text: TEXT } } })
    ledger.acked(index, ack)
  } catch (err) {
    ledger.failed(index, err)
  }
}

/**
 * The k-th message of a client goes to its direct peer or its group, alternately (a client without a
 * peer always to its group); odd clients start with the group, so direct and group traffic mix even when
 * a step is too short for every client to send twice (10,000 clients at 1,000/s for 10 s).
 */
export function targetOf(t: Topology, sender: number, k: number): ConvPlan {
  const direct = t.directOf[sender]
  return direct && (k + sender) % 2 === 0 ? direct : t.groupOf[sender]!
}

/** Waits until every acked message has reached every member (or the timeout: what is still owed is then missed). */
export async function drain(ledger: Ledger, timeoutMs = DRAIN_TIMEOUT_MS): Promise<number> {
  const start = performance.now()
  while (ledger.outstanding() > 0 && performance.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS))
  return (performance.now() - start) / 1000
}
