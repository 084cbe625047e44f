import type { SeqlineEvent } from './schema.js'

/**
 * Delivery order of one conversation: each seq once, in seq order. Live
 * events may overlap a sync and arrive twice or ahead of their predecessors;
 * an event ahead of a gap waits here until the gap is filled by its events or
 * by the server saying those seqs were erased.
 */
export class ConversationOrder {
  /** Erased seqs are null: known, skipped, never delivered. */
  private readonly pending = new Map<number, SeqlineEvent | null>()

  /** @param held the highest seq already delivered (all before it included) */
  constructor(private held = 0) {}

  get position(): number {
    return this.held
  }

  get blocked(): boolean {
    return this.pending.size > 0
  }

  /** Takes an event; returns the events now deliverable, in order (none if it was a duplicate or is ahead of a gap). */
  push(event: SeqlineEvent): SeqlineEvent[] {
    if (event.seq <= this.held || this.pending.has(event.seq)) return []
    this.pending.set(event.seq, event)
    return this.drain()
  }

  /** Moves past every seq up to `upTo` (left out of a latest-N sync); returns the events that no longer wait for them. */
  skip(upTo: number): SeqlineEvent[] {
    if (upTo <= this.held) return []
    for (const seq of this.pending.keys()) if (seq <= upTo) this.pending.delete(seq)
    this.held = upTo
    return this.drain()
  }

  /** Marks seqs as erased; returns the events that no longer wait for them. */
  erase(seqs: readonly number[]): SeqlineEvent[] {
    for (const seq of seqs) if (seq > this.held && !this.pending.has(seq)) this.pending.set(seq, null)
    return this.drain()
  }

  private drain(): SeqlineEvent[] {
    const out: SeqlineEvent[] = []
    for (let next = this.pending.get(this.held + 1); next !== undefined; next = this.pending.get(this.held + 1)) {
      this.pending.delete(++this.held)
      if (next) out.push(next)
    }
    return out
  }
}

/** The delivery order of every conversation the client has seen. */
export class Ordering {
  private readonly convs = new Map<string, ConversationOrder>()

  constructor(held: Record<string, number> = {}) {
    for (const [conv, seq] of Object.entries(held)) this.convs.set(conv, new ConversationOrder(seq))
  }

  push(event: SeqlineEvent): SeqlineEvent[] {
    return this.of(event.conv).push(event)
  }

  erase(conv: string, seqs: readonly number[]): SeqlineEvent[] {
    return this.of(conv).erase(seqs)
  }

  skip(conv: string, upTo: number): SeqlineEvent[] {
    return this.of(conv).skip(upTo)
  }

  /** Takes positions held from before (e.g. loaded from a store); a conversation already further along keeps its place. */
  resume(held: Record<string, number>): SeqlineEvent[] {
    const ready: SeqlineEvent[] = []
    for (const [conv, seq] of Object.entries(held)) ready.push(...this.skip(conv, seq))
    return ready
  }

  /** The highest seq delivered per conversation: what a sync sends as `have`. */
  positions(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [conv, order] of this.convs) out[conv] = order.position
    return out
  }

  /** Identifies the gaps still open, to tell whether a sync changed anything. */
  gaps(): string {
    const open: string[] = []
    for (const [conv, order] of this.convs) if (order.blocked) open.push(`${conv}@${order.position}`)
    return open.sort().join(' ')
  }

  private of(conv: string): ConversationOrder {
    let order = this.convs.get(conv)
    if (!order) this.convs.set(conv, (order = new ConversationOrder()))
    return order
  }
}
