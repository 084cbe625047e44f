import type { SeqlineEvent } from '../../schemas/index.js'

export interface Verification {
  conv: string
  head: number
  events: number
  /** Burns, erasing recalls and erasures (retention, user erasure) recorded in the log: each explains the seqs it erased, one entry per message. */
  tombstones: Array<{ seq: number; how: 'burned' | 'recalled' | 'retention' | 'user-erasure'; target: number; edits: number[] }>
  /** Seqs missing from the log that a tombstone explains. */
  erased: number[]
  /** Seqs missing from the log that nothing explains: the log is damaged. */
  gaps: number[]
  /** Seqs that appear more than once, or out of order. */
  disorder: number[]
  ok: boolean
}

/**
 * Checks a conversation's events, read in seq order, against the rule that
 * seq is dense: every seq from 1 to the head is either present once or erased
 * by a burn, a recall with erase or an erasure (`content.erased`) that names it.
 */
export function verifyConversation(conv: string, head: number, events: readonly SeqlineEvent[]): Verification {
  const seen = new Set<number>()
  const disorder: number[] = []
  const tombstones: Verification['tombstones'] = []
  let last = 0
  for (const e of events) {
    if (seen.has(e.seq) || e.seq < last) disorder.push(e.seq)
    seen.add(e.seq)
    last = Math.max(last, e.seq)
    if (e.type === 'message.burned') tombstones.push({ seq: e.seq, how: 'burned', target: e.data.target, edits: e.data.edits ?? [] })
    if (e.type === 'message.recalled' && e.data.erase) tombstones.push({ seq: e.seq, how: 'recalled', target: e.data.target, edits: e.data.edits ?? [] })
    if (e.type === 'content.erased') for (const t of e.data.targets) tombstones.push({ seq: e.seq, how: e.data.reason, target: t.seq, edits: t.edits ?? [] })
  }
  const explained = new Set(tombstones.flatMap((t) => [t.target, ...t.edits]))
  const erased: number[] = []
  const gaps: number[] = []
  for (let seq = 1; seq <= head; seq++) {
    if (seen.has(seq)) continue
    ;(explained.has(seq) ? erased : gaps).push(seq)
  }
  return { conv, head, events: events.length, tombstones, erased, gaps, disorder, ok: gaps.length === 0 && disorder.length === 0 }
}
