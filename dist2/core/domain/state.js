export const initialState = () => ({
    kind: 'none',
    seq: 0,
    members: new Map(),
    former: new Map(),
    formerMutes: new Map(),
    groupMuted: false,
    dissolved: false,
    joinable: false,
    burn: { enabled: false, seconds: 30 },
    gone: new Map(),
    recent: [],
});
export function commandKey(actor, commandId) {
    return `${actor}/${commandId}`;
}
export function rememberedSeq(state, actor, commandId) {
    const key = commandKey(actor, commandId);
    return state.recent.find((r) => r.key === key)?.seq;
}
export function ownerOf(state) {
    for (const [user, m] of state.members)
        if (m.role === 'owner')
            return user;
    return undefined;
}
/** How many recent command ids a conversation remembers, to answer retries beyond the log's duplicate window. */
export const REMEMBERED_COMMANDS = 64;
//# sourceMappingURL=state.js.map