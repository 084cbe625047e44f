import type { SeqlineEvent } from '../../schemas/index.js'
import { ChainVerifier, type ErasedLine, type HeadLine, type Problem, type Verification } from './verify.js'

/** A problem found in an export file, with the conversation it belongs to when the line says. */
export type FileProblem = Problem & { conv?: string }

export interface ExportVerification {
  conversations: Verification[]
  /** Lines that are not an event, an erased record or a head line. */
  unreadable: FileProblem[]
  /** The first problem of the file: the lowest bad seq of the first conversation that has one, or the first unreadable line. */
  firstBad?: FileProblem
  ok: boolean
}

/**
 * Verifies an export (NDJSON, as `seqline export` and GET /v1/admin/export
 * write it) line by line, with no server: each conversation's seq and hash
 * chain, up to its head line when the file has one. Feed lines in file order.
 */
export class ExportVerifier {
  private readonly verifiers = new Map<string, ChainVerifier>()
  private readonly heads = new Map<string, HeadLine & { line: number }>()
  private readonly unreadable: FileProblem[] = []
  private lineNo = 0

  /**
   * `known`: a conversation whose head seq is known apart from the file (the
   * live log's, when the export is verified as it is written), so seqs missing
   * at its end count even when the file has no head line.
   */
  constructor(private readonly known?: { conv: string; head: number }) {
    if (known) this.verifierOf(known.conv)
  }

  line(text: string): void {
    this.lineNo++
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return this.unreadableLine(text, 'not JSON')
    }
    const entry = (value ?? {}) as { audit?: unknown; conv?: unknown; seq?: unknown; link?: { conv?: unknown; seq?: unknown } }
    if (entry.audit === 'head') return this.headLine(entry as HeadLine)
    const erased = entry.audit === 'erased'
    const conv = erased ? entry.link?.conv : entry.conv
    const seq = erased ? entry.link?.seq : entry.seq
    if (typeof conv !== 'string' || !Number.isSafeInteger(seq)) return this.unreadableLine(text, 'neither an event nor an erased record')
    if (this.heads.has(conv)) this.unreadable.push({ conv, seq: seq as number, line: this.lineNo, reason: 'after the head line of its conversation' })
    this.verifierOf(conv).add(value as SeqlineEvent | ErasedLine, this.lineNo)
  }

  /** The result; `publishedHead`, the head hash obtained elsewhere, pins the end of a one-conversation file. */
  finish(publishedHead?: string): ExportVerification {
    const conversations = [...this.verifiers.values()].map((v) => {
      const head = this.heads.get(v.conv)
      if (head) return v.finish({ seq: head.seq, hash: head.hash })
      return v.finish(v.conv === this.known?.conv ? { seq: this.known.head } : undefined)
    })
    const unreadable = [...this.unreadable]
    const only = conversations.length === 1 ? conversations[0] : undefined
    if (publishedHead !== undefined && only?.chain.headHash !== publishedHead) {
      unreadable.push({
        conv: only?.conv ?? '',
        seq: only?.head ?? 0,
        line: this.lineNo,
        reason: only
          ? `the file's head hash ${only.chain.headHash ?? '(none)'} is not the published ${publishedHead}`
          : 'a published head hash checks a file of one conversation',
      })
    }
    const bad = conversations.find((v) => !v.ok)
    const firstBad: FileProblem | undefined = bad?.firstBad ? withLine({ conv: bad.conv, ...bad.firstBad }, unreadable) : unreadable[0]
    return { conversations, unreadable, ...(firstBad ? { firstBad } : {}), ok: firstBad === undefined }
  }

  private headLine(head: HeadLine): void {
    if (typeof head.conv !== 'string' || !Number.isSafeInteger(head.seq) || typeof head.hash !== 'string') {
      return void this.unreadable.push({ seq: 0, line: this.lineNo, reason: 'a head line without conv, seq and hash' })
    }
    this.heads.set(head.conv, { ...head, line: this.lineNo })
    this.verifierOf(head.conv)
  }

  /**
   * A line that cannot be read is a hole in its conversation: the verifier
   * names the seq it lacks. The line's own conv and seq are given when the
   * damage left them legible.
   */
  private unreadableLine(text: string, why: string): void {
    const conv = /"conv":"([^"\\]+)"/.exec(text)?.[1]
    const seq = Number(/"seq":(\d+)/.exec(text)?.[1] ?? 0)
    this.unreadable.push({ ...(conv ? { conv } : {}), seq, line: this.lineNo, reason: why })
  }

  private verifierOf(conv: string): ChainVerifier {
    let v = this.verifiers.get(conv)
    if (!v) {
      v = new ChainVerifier(conv)
      this.verifiers.set(conv, v)
    }
    return v
  }
}

/** A seq missing because its line could not be read is named with that line. */
function withLine(p: FileProblem, unreadable: FileProblem[]): FileProblem {
  if (p.line !== undefined) return p
  const damaged = unreadable.find((u) => u.conv === p.conv && u.seq === p.seq)
  return damaged ? { ...p, line: damaged.line, reason: `line ${damaged.line} is ${damaged.reason}` } : p
}
