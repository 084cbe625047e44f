import { headers as natsHeaders } from '@nats-io/transport-node';
import { upcast } from './upcast.js';
/** The conversation seq of a stored event, readable without parsing its body. */
export const SEQ_HEADER = 'Seqline-Seq';
const encoder = new TextEncoder();
const decoder = new TextDecoder();
export function encodeEvent(event) {
    const headers = natsHeaders();
    headers.set(SEQ_HEADER, String(event.seq));
    return { body: encoder.encode(JSON.stringify(event)), headers };
}
export function decodeEvent(body) {
    return upcast(JSON.parse(decoder.decode(body)));
}
export function seqFromHeaders(h) {
    const raw = h?.get(SEQ_HEADER);
    const seq = raw ? Number(raw) : NaN;
    if (!Number.isSafeInteger(seq) || seq < 1)
        throw new Error(`stored event without a valid ${SEQ_HEADER} header`);
    return seq;
}
//# sourceMappingURL=codec.js.map