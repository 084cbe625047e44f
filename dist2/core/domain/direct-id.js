/** The id of the direct conversation of two users: the same whichever side names it. */
export function directConversationId(a, b) {
    return a < b ? `d~${a}~${b}` : `d~${b}~${a}`;
}
export function directMembers(conv) {
    const parts = conv.split('~');
    if (parts.length !== 3 || parts[0] !== 'd')
        return null;
    return [parts[1], parts[2]];
}
//# sourceMappingURL=direct-id.js.map