// The WebSocket benchmark's book of every message: when it was sent, its
// ack, and every delivery to every member's socket. A delivery is matched to
// its send by the command id the event carries (`cmd`), not by seq, because a
// recipient often has the event before the sender has its ack. The verdict
// counts what a rate alone would hide: misses, duplicates, seqs that differ
// from the ack, deliveries to non-members.

import type { Ack } from '../../../client/src/index.js'
import type { SeqlineEvent } from '../../../schemas/index.js'
import type { ConvPlan } from './topology.js'

interface Sent {
  at: number
  plan: ConvPlan
  sender: number
  seq?: number
  /** Seq of the first delivered event; every later delivery must carry the same. */
  eventSeq?: number
  failure?: string
  /** Deliveries per member slot. */
  got: Uint8Array
  /** Arrival of the latest delivery (performance.now()). */
  lastAt: number
}

export interface Verdict {
  sent: number
  acked: number
  /** Failed sends by error code. */
  failed: Record<string, number>
  /** Deliveries owed by acked messages: every member's socket, the sender's own included. */
  expected: number
  deliveredOnce: number
  missed: number
  duplicates: number
  /** Delivered with a seq other than the ack's, or other than another member got. */
  seqMismatch: number
  /** Delivered to a socket whose user is not a member. */
  misrouted: number
  /** Delivered although the send failed (an unknown outcome the client gave up on). */
  deliveredUnacked: number
  /** Events carrying no command id of this phase. */
  foreign: number
  /** Nothing lost, duplicated, reordered or misrouted (sends may have timed out: an overloaded step). */
  correct: boolean
  /** Correct, and every send acked. */
  ok: boolean
}

export class Ledger {
  private readonly sent: Sent[] = []
  readonly ackMs: number[] = []
  /** Send → delivery to members other than the sender. */
  readonly deliveryMs: number[] = []
  /** When each ack and each recipient delivery arrived (performance.now()): throughput over time. */
  readonly ackAt: number[] = []
  readonly deliveryAt: number[] = []
  firstAt = Infinity
  lastDeliveryAt = 0
  recipientDeliveries = 0
  private seqMismatch = 0
  private misrouted = 0
  private foreign = 0

  /** @param prefix of this phase's command ids; [A-Za-z0-9_.-], no ':' */
  constructor(private readonly prefix: string) {}

  /** Registers a send now; returns the command id to send it with. */
  send(plan: ConvPlan, sender: number): { id: string; index: number } {
    const index = this.sent.length
    const at = performance.now()
    this.firstAt = Math.min(this.firstAt, at)
    this.sent.push({ at, plan, sender, got: new Uint8Array(plan.members.length), lastAt: 0 })
    return { id: `${this.prefix}:${index}`, index }
  }

  acked(index: number, ack: Ack): void {
    const s = this.sent[index]!
    // Every id here is new: an ack as duplicate means nothing was appended, so it is no delivered message.
    if (ack.duplicate) return void (s.failure = 'ACKED_AS_DUPLICATE')
    const now = performance.now()
    this.ackMs.push(now - s.at)
    this.ackAt.push(now)
    s.seq = ack.seq
  }

  failed(index: number, err: unknown): void {
    this.sent[index]!.failure = (err as { code?: string }).code ?? (err as Error).message ?? String(err)
  }

  delivered(user: number, event: SeqlineEvent, at: number): void {
    const s = this.lookup(event.cmd)
    if (!s) return void this.foreign++
    const slot = s.plan.slot.get(user)
    if (slot === undefined || event.conv !== s.plan.conv) return void this.misrouted++
    // A delivery can beat the ack, so the ack's seq is compared in the verdict; here, recipients against each other.
    if (s.eventSeq === undefined) s.eventSeq = event.seq
    else if (s.eventSeq !== event.seq) this.seqMismatch++
    s.got[slot] = Math.min(255, s.got[slot]! + 1)
    s.lastAt = Math.max(s.lastAt, at)
    this.lastDeliveryAt = Math.max(this.lastDeliveryAt, at)
    if (user !== s.sender) {
      this.deliveryMs.push(at - s.at)
      this.deliveryAt.push(at)
      this.recipientDeliveries++
    }
  }

  /** Deliveries still owed by acked messages; 0 once everything has arrived. */
  outstanding(): number {
    let owed = 0
    for (const s of this.sent) if (s.seq !== undefined) for (const n of s.got) if (n === 0) owed++
    return owed
  }

  /** Per message, send → its last member's delivery (ms); NaN for a message someone has not got. */
  lastMemberMs(): number[] {
    return this.sent.map((s) => (s.got.every((n) => n > 0) ? s.lastAt - s.at : NaN))
  }

  verdict(): Verdict {
    const v: Verdict = {
      sent: this.sent.length,
      acked: 0,
      failed: {},
      expected: 0,
      deliveredOnce: 0,
      missed: 0,
      duplicates: 0,
      seqMismatch: 0,
      misrouted: this.misrouted,
      deliveredUnacked: 0,
      foreign: this.foreign,
      correct: false,
      ok: false,
    }
    for (const s of this.sent) {
      if (s.seq === undefined) {
        const reason = s.failure ?? 'NO_ANSWER'
        v.failed[reason] = (v.failed[reason] ?? 0) + 1
        if (s.got.some((n) => n > 0)) v.deliveredUnacked++
        continue
      }
      v.acked++
      v.expected += s.got.length
      for (const n of s.got) {
        if (n === 0) v.missed++
        else v.deliveredOnce++
        if (n > 1) v.duplicates += n - 1
      }
      if (s.eventSeq !== undefined && s.eventSeq !== s.seq) v.seqMismatch++
    }
    v.seqMismatch += this.seqMismatch
    v.correct = v.missed === 0 && v.duplicates === 0 && v.seqMismatch === 0 && v.misrouted === 0 && v.foreign === 0
    v.ok = v.correct && v.acked === v.sent
    return v
  }

  private lookup(cmd: string): Sent | undefined {
    const colon = cmd.indexOf(':')
    if (colon < 0 || cmd.slice(0, colon) !== this.prefix) return undefined
    return this.sent[Number(cmd.slice(colon + 1))]
  }
}
