import { seqFromHeaders } from './codec.js'
import type { DirectMsg, DirectQuery } from './direct-reader.js'
import type { Head } from './event-log.js'

/**
 * Finds the stream position of the first stored event of `subject` whose
 * conversation seq is >= `seq`, by binary search with direct gets
 * (next_by_subj). Conversation seqs rise with stream positions, and event k
 * sits at stream position >= k and <= head.streamSeq - (head.seq - k), which
 * bounds the search: O(log n) round trips wherever the seq lies.
 *
 * It gallops back from the head before bisecting: most reads are near the
 * head (a reconnecting client's gap), and probes there stay in the blocks the
 * server has cached, where bisecting the whole stream loads old blocks on
 * every read — which made nats-server's CPU per message grow with the stream
 * in the million-message delivery proof.
 */
/** A direct get from the stream being searched. */
export type DirectGet = (query: DirectQuery) => Promise<DirectMsg | null>

export async function locateStreamSeq(get: DirectGet, subject: string, seq: number, head: Head): Promise<number | null> {
  if (seq > head.seq) return null
  let lo = seq
  let hi = head.streamSeq - (head.seq - seq)
  for (let step = Math.max(1, head.seq - seq); hi - step > lo; step *= 2) {
    const probe = hi - step
    const m = await get({ seq: probe, next_by_subj: subject })
    const found = m ? seqFromHeaders(m.header) : Infinity
    if (found === seq) return m!.seq
    if (found < seq) {
      lo = m!.seq + 1
      break
    }
    hi = probe
  }
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2)
    const m = await get({ seq: mid, next_by_subj: subject })
    if (!m) {
      hi = mid
      continue
    }
    const found = seqFromHeaders(m.header)
    if (found === seq) return m.seq
    if (found < seq) lo = m.seq + 1
    else hi = mid
  }
  return lo
}
