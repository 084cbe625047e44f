export const DEFAULT_POLICY = {
    recallWindowSeconds: 120,
    maxGroupMembers: 10_000,
    burnDefaultSeconds: 30,
};
//# sourceMappingURL=policy.js.map