export const accept = (...events) => ({ ok: true, events });
export const reject = (refusal) => ({ ok: false, refusal });
/** Drops keys whose value is undefined, so optional fields stay absent rather than null. */
export function defined(o) {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
//# sourceMappingURL=decision.js.map