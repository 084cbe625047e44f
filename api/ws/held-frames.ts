import type { WholeFrame } from './frames.js'

/** A live frame held back while its conversation's replay goes out. */
interface Held {
  seq: number
  frame: WholeFrame
}

/**
 * While a sync runs: the live frames of each conversation it replays, held
 * until that conversation's replay is out, so a client sees each
 * conversation in seq order without buffering on its own.
 */
export class HeldFrames {
  private held: Map<string, Held[]> | null = null
  /** Bytes held: output not yet sent, which the session bounds as it bounds the socket's own buffer. */
  bytes = 0

  /** From now on, the live frames of these conversations wait for their replay. */
  start(convs: Iterable<string>): void {
    this.held = new Map([...convs].map((conv) => [conv, []]))
    this.bytes = 0
  }

  /** Holds a live frame when its conversation's replay is still going out; false when it may go at once. */
  hold(conv: string, seq: number, frame: WholeFrame): boolean {
    const held = this.held?.get(conv)
    if (!held) return false
    held.push({ seq, frame })
    this.bytes += frame.byteLength
    return true
  }

  /** After a conversation's replay: its held live frames, but none the replay already sent. */
  release(conv: string, replayedUpTo: number): WholeFrame[] {
    const held = this.held?.get(conv)
    if (!held) return []
    this.held?.delete(conv)
    const out: WholeFrame[] = []
    for (const h of held) {
      this.bytes -= h.frame.byteLength
      if (h.seq > replayedUpTo) out.push(h.frame)
    }
    return out
  }

  stop(): void {
    this.held = null
    this.bytes = 0
  }
}
