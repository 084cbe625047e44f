export const DEFAULT_GATEWAY_OPTIONS = {
    heartbeatMs: 30_000,
    badFrameLimit: 20,
    badFrameWindowMs: 10_000,
    maxFrameBytes: 128 * 1024,
    maxBufferedBytes: 8 * 1024 * 1024,
    syncConcurrency: 8,
    typingIntervalMs: 1000,
    viewsWaitMs: 5000,
};
//# sourceMappingURL=options.js.map