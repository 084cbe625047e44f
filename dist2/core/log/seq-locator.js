import { seqFromHeaders } from './codec.js';
/**
 * Finds the stream position of the first stored event of `subject` whose
 * conversation seq is >= `seq`, by binary search with direct gets
 * (next_by_subj). Conversation seqs rise with stream positions, and event k
 * sits at stream position >= k and <= head.streamSeq - (head.seq - k), which
 * bounds the search: O(log n) round trips wherever the seq lies.
 */
export async function locateStreamSeq(jsm, stream, subject, seq, head) {
    if (seq > head.seq)
        return null;
    let lo = seq;
    let hi = head.streamSeq - (head.seq - seq);
    while (lo < hi) {
        const mid = lo + Math.floor((hi - lo) / 2);
        const m = await jsm.direct.getMessage(stream, { seq: mid, next_by_subj: subject });
        if (!m) {
            hi = mid;
            continue;
        }
        const found = seqFromHeaders(m.header);
        if (found === seq)
            return m.seq;
        if (found < seq)
            lo = m.seq + 1;
        else
            hi = mid;
    }
    return lo;
}
//# sourceMappingURL=seq-locator.js.map