import type { EventOf, SeqlineEvent } from '../../schemas/index.js'
import { eventHash, hasErasableContent, type LinkForm, linkHash } from './chain.js'

/** An export line standing for an erased event: its link form, with no content and no salt. */
export interface ErasedLine {
  audit: 'erased'
  link: LinkForm
}

/** The last line of a conversation export: its head seq and the hash of that event's link form. */
export interface HeadLine {
  audit: 'head'
  conv: string
  seq: number
  hash: string
}

/** What a verifier reads, in seq order: a stored event or the link form of an erased one. */
export type AuditEntry = SeqlineEvent | ErasedLine

export interface Tombstone {
  seq: number
  how: string
  target: number
  edits: number[]
}

/** A point where the log or the file is not what its chain says; `line` is the export line, when read from a file. */
export interface Problem {
  seq: number
  line?: number
  reason: string
}

export interface Verification {
  conv: string
  head: number
  events: number
  /** Burns, erasing recalls (and any other tombstone type) recorded in the log: each explains the seqs it erased. */
  tombstones: Tombstone[]
  /** Seqs missing from the log that a tombstone explains. */
  erased: number[]
  /** Seqs missing from the log that nothing explains: the log is damaged. */
  gaps: number[]
  /** Seqs that appear more than once, or out of order. */
  disorder: number[]
  chain: {
    /** Events and erased link forms that carry a chain link. */
    linked: number
    /** Events written before the chain existed: not failures, the chain starts after them. */
    preChain: number
    /** The first seq of the chain (absent when no event carries one). */
    startsAt?: number
    /** The hash of the head event's link form: compare it with one published elsewhere. */
    headHash?: string
    /** Links that do not hold. */
    breaks: Problem[]
  }
  /** The lowest seq where something is wrong. */
  firstBad?: Problem
  ok: boolean
}

/**
 * The tombstone types and the seqs each erased. A new kind of erasure adds
 * its event type here, and its erased seqs verify like a burn's.
 */
const TOMBSTONES: { [K in SeqlineEvent['type']]?: (e: EventOf<K>) => Array<Omit<Tombstone, 'seq'>> } = {
  'message.burned': (e) => [{ how: 'burned', target: e.data.target, edits: e.data.edits ?? [] }],
  'message.recalled': (e) => (e.data.erase ? [{ how: 'recalled', target: e.data.target, edits: e.data.edits ?? [] }] : []),
  'content.erased': (e) => e.data.targets.map((t) => ({ how: e.data.reason, target: t.seq, edits: t.edits ?? [] })),
}

function tombstonesOf(e: SeqlineEvent): Tombstone[] {
  const of = TOMBSTONES[e.type] as ((e: SeqlineEvent) => Array<Omit<Tombstone, 'seq'>>) | undefined
  return (of?.(e) ?? []).map((found) => ({ seq: e.seq, ...found }))
}

/** The longest run of missing seqs listed one by one. */
const MAX_LISTED_HOLE = 1_000_000

const isErased = (entry: AuditEntry | HeadLine): entry is ErasedLine => (entry as ErasedLine).audit === 'erased'

/**
 * Checks one conversation, fed in seq order, against two rules: seq is dense
 * (every seq is stored, or erased and named by a tombstone), and each chained
 * entry's `chain.prev` is the hash of the one before it. Entries come one at a
 * time, so a file of any size is checked in constant memory but for its holes.
 */
export class ChainVerifier {
  private last = 0
  private first = 0
  private count = 0
  private prevHash: string | undefined
  private prevLine: number | undefined
  private readonly holes = new Set<number>()
  private readonly explained = new Set<number>()
  private readonly tombstones: Tombstone[] = []
  private readonly misplacedAt: Problem[] = []
  private readonly erasedSeqs: number[] = []
  private readonly breaks: Problem[] = []
  /** The seq the last broken link led into, to tell an altered event from an altered neighbour. */
  private brokeInto = 0
  private linked = 0
  private preChain = 0
  private startsAt: number | undefined

  constructor(readonly conv: string) {}

  add(entry: AuditEntry, line?: number): void {
    const erased = isErased(entry)
    const seq = erased ? entry.link.seq : entry.seq
    if (this.first === 0) this.first = seq
    if (seq <= this.last) return this.misplaced(seq, line)
    this.addHoles(this.last + 1, seq - 1, line)
    if (erased) this.erasedSeqs.push(seq)
    else this.count++
    const known = seq === this.last + 1 ? this.prevHash : undefined
    const link = erased ? entry.link : undefined
    const chain = erased ? entry.link.chain : entry.chain
    if (erased) this.checkLinkForm(entry.link, line)
    else this.noteTombstone(entry, line)
    if (chain) this.checkPrev(seq, chain.prev, known, line)
    else this.unchained(seq, line)
    this.prevHash = link ? linkHash(link) : eventHash(entry as SeqlineEvent)
    this.prevLine = line
    this.last = seq
  }

  /**
   * The result. `head` is the conversation's head seq (from the log, or from
   * the export's head line, with its hash); without one the entries are taken
   * as a range of the conversation (a time-range export), checked inside only.
   */
  finish(head?: { seq: number; hash?: string }): Verification {
    const headSeq = head?.seq ?? this.last
    if (head && this.first === 0) this.addHoles(1, headSeq)
    else if (head) {
      this.addHoles(1, this.first - 1)
      this.addHoles(this.last + 1, headSeq)
    }
    if (head?.hash !== undefined && this.last === headSeq && this.prevHash !== head.hash) {
      this.brokenLink(headSeq + 1, `the hash of seq ${headSeq} is not the head hash ${head.hash}`)
    }
    const erased = [...this.erasedSeqs]
    const gaps: number[] = []
    for (const seq of [...this.holes].sort((a, b) => a - b)) (this.explained.has(seq) ? erased : gaps).push(seq)
    erased.sort((a, b) => a - b)
    for (const seq of this.erasedSeqs) if (!this.explained.has(seq)) gaps.push(seq)
    gaps.sort((a, b) => a - b)
    const recorded = new Set(this.erasedSeqs)
    const problems: Problem[] = [
      ...gaps.map((seq) => ({ seq, reason: recorded.has(seq) ? 'erased, but no tombstone names it' : 'missing, and no tombstone names it' })),
      ...this.misplacedAt,
      ...this.breaks,
    ]
    const firstBad = problems.reduce<Problem | undefined>((min, p) => (min === undefined || p.seq < min.seq ? p : min), undefined)
    const chain = {
      linked: this.linked,
      preChain: this.preChain,
      ...(this.startsAt === undefined ? {} : { startsAt: this.startsAt }),
      ...(this.prevHash === undefined || this.last !== headSeq ? {} : { headHash: this.prevHash }),
      breaks: this.breaks,
    }
    return {
      conv: this.conv,
      head: headSeq,
      events: this.count,
      tombstones: this.tombstones,
      erased: erased.filter((seq) => !gaps.includes(seq)),
      gaps,
      disorder: this.misplacedAt.map((p) => p.seq),
      chain,
      ...(firstBad ? { firstBad } : {}),
      ok: problems.length === 0,
    }
  }

  /**
   * Seqs from..to are missing. A run too long to list (a damaged seq or head
   * line claiming a seq far ahead) is one problem, so a hostile file cannot
   * make the verifier list billions of seqs.
   */
  private addHoles(from: number, to: number, line?: number): void {
    if (to - from + 1 > MAX_LISTED_HOLE) return void this.breaks.push(problem(from, line, `seqs ${from} to ${to} are missing`))
    for (let seq = from; seq <= to; seq++) this.holes.add(seq)
  }

  /** A seq at or below one already seen: repeated, or moved. What follows is still linked to the entry before it. */
  private misplaced(seq: number, line?: number): void {
    this.holes.delete(seq)
    this.misplacedAt.push(problem(seq, line, `repeated or out of order: seq ${seq} after seq ${this.last}`))
  }

  private noteTombstone(e: SeqlineEvent, line?: number): void {
    let found: Tombstone[]
    try {
      found = tombstonesOf(e)
    } catch {
      // A line an exporter never wrote (its data lacks what the type carries) is a problem at that line, not a crash of the verifier.
      return void this.breaks.push(problem(e.seq, line, `a ${e.type} whose data names no erased seqs`))
    }
    for (const t of found) {
      this.tombstones.push(t)
      this.explained.add(t.target)
      for (const seq of t.edits) this.explained.add(seq)
    }
  }

  /** An erased event's record must hold no content and no salt: a record that does is not one Seqline wrote. */
  private checkLinkForm(link: LinkForm, line?: number): void {
    if (link.conv !== this.conv) this.breaks.push(problem(link.seq, line, `erased record of another conversation (${link.conv})`))
    const salted = (link.chain as { salt?: unknown } | undefined)?.salt !== undefined
    const content = link.data?.content as { commitment?: unknown } | undefined
    const clear = hasErasableContent(link.type) && (typeof content?.commitment !== 'string' || Object.keys(content).length !== 1)
    if (salted || clear) this.breaks.push(problem(link.seq, line, 'erased record holds content or a salt'))
  }

  private checkPrev(seq: number, prev: string | undefined, known: string | undefined, line: number | undefined): void {
    this.linked++
    const started = this.startsAt !== undefined
    this.startsAt ??= seq
    if (seq === 1) {
      if (prev !== undefined) this.breaks.push(problem(1, line, 'seq 1 names a previous event'))
      return
    }
    if (prev === undefined) return void this.breaks.push(problem(seq, line, 'chained, but names no previous event'))
    if (known === undefined) {
      // Before the chain started, what preceded it may be gone (a pre-chain event erased); after, every seq has an event or a record.
      if (started) this.breaks.push(problem(seq - 1, undefined, `neither the event nor its erased record is there, so seq ${seq} cannot be linked`))
      return
    }
    if (prev !== known) this.brokenLink(seq, `its hash is not the prev that seq ${seq} names`)
  }

  private unchained(seq: number, line?: number): void {
    if (this.startsAt !== undefined) this.breaks.push(problem(seq, line, 'no chain link after the chain started'))
    else this.preChain++
  }

  /**
   * The link into `into` does not hold: the entry before it was altered, or
   * `into` was (its prev changed, and then its own hash, so the link after it
   * breaks too). Two broken links in a row name the entry between them.
   */
  private brokenLink(into: number, reason: string): void {
    const previous = this.breaks.at(-1)
    if (previous && this.brokeInto === into - 1 && previous.seq === into - 2) {
      previous.seq = into - 1
      previous.reason = `altered: its prev does not match seq ${into - 2} and its hash does not match seq ${into}`
      if (this.prevLine === undefined) delete previous.line
      else previous.line = this.prevLine
    } else {
      this.breaks.push(problem(into - 1, this.prevLine, reason))
    }
    this.brokeInto = into
  }
}

function problem(seq: number, line: number | undefined, reason: string): Problem {
  return line === undefined ? { seq, reason } : { seq, line, reason }
}

/**
 * Checks a conversation's entries, read in seq order: seq is dense from 1 to
 * the head (each seq stored once, or erased and named by a tombstone), and
 * the hash chain holds from its first link on.
 */
export function verifyConversation(conv: string, head: number, entries: Iterable<AuditEntry>, headHash?: string): Verification {
  const verifier = new ChainVerifier(conv)
  for (const entry of entries) verifier.add(entry)
  return verifier.finish(headHash === undefined ? { seq: head } : { seq: head, hash: headHash })
}
