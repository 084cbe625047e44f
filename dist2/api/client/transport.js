export const tokenOf = async (source) => (typeof source === 'string' ? source : source());
/** A fresh idempotency id for a command. */
export const newCommandId = () => globalThis.crypto.randomUUID();
//# sourceMappingURL=transport.js.map