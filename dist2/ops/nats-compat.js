/**
 * nats-server before 2.9.21 checks `Nats-Expected-Last-Subject-Sequence` on a
 * replicated stream only before proposing the message (nats-server issue
 * 4320), so two processes appending to one conversation at the same instant
 * can both be stored at the same seq. Single-replica streams are not affected.
 */
export function denseSeqAtRisk(serverVersion, replicas) {
    if (replicas <= 1)
        return false;
    const [major = 0, minor = 0, patch = 0] = serverVersion.split(/[.-]/).map((n) => Number.parseInt(n, 10) || 0);
    if (major !== 2)
        return major < 2;
    if (minor !== 9)
        return minor < 9;
    return patch < 21;
}
export const DENSE_SEQ_WARNING = 'nats-server before 2.9.21 with replicated streams can store two concurrent appends to one conversation at the same seq (nats-server issue 4320); run 2.9.21 or newer';
//# sourceMappingURL=nats-compat.js.map