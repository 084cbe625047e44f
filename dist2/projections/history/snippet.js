import { words } from './words.js';
const BEFORE = 40;
const LENGTH = 160;
/** The part of `text` around the first searched word, with every searched word in it marked by offsets. */
export function snippetOf(text, searched) {
    const wanted = new Set(searched);
    const found = wordSpans(text).filter((w) => wanted.has(w.word));
    const first = found[0]?.start ?? 0;
    const start = first <= BEFORE ? 0 : first - BEFORE;
    const end = Math.min(text.length, start + LENGTH);
    const prefix = start > 0 ? '…' : '';
    const suffix = end < text.length ? '…' : '';
    const shift = prefix.length - start;
    const highlights = found.filter((w) => w.start >= start && w.end <= end).map((w) => [w.start + shift, w.end + shift]);
    return { snippet: `${prefix}${text.slice(start, end)}${suffix}`, highlights };
}
/** Each word of `text` with its offsets, split the way search words are. */
function wordSpans(text) {
    const spans = [];
    const re = /[0-9A-Za-z\u0080-\uffff]+/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
        const [word] = words(m[0]);
        if (word)
            spans.push({ word, start: m.index, end: m.index + m[0].length });
    }
    return spans;
}
//# sourceMappingURL=snippet.js.map