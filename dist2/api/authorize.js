import { ApiError } from './errors.js';
/**
 * Members read up to the head; kicked and departed members up to their leave seq;
 * anyone else nothing. Membership comes from the command handler's state, the same
 * state writes are decided on, so reads and writes never disagree about who belongs.
 */
export async function visibleTo(deps, conv, user) {
    const state = await deps.handler.state(conv);
    if (state.kind === 'none')
        throw new ApiError(404, 'CONVERSATION_NOT_FOUND', `${conv} does not exist`);
    if (state.members.has(user)) {
        // The log's head rather than the state's seq: another process may have appended since.
        const head = await deps.log.head(conv);
        return { conv, head: Math.max(head.seq, state.seq) };
    }
    const leftAt = state.former.get(user);
    if (leftAt !== undefined)
        return { conv, head: leftAt, leftAt };
    throw new ApiError(403, 'NOT_MEMBER', `${user} is not a member of ${conv}`);
}
/**
 * A seq the user asks about must be one they may see: past their leave seq a former
 * member is a stranger (403); past the head the seq does not exist yet (400).
 */
export function mustSee(visible, seq, user) {
    if (seq <= visible.head)
        return;
    if (visible.leftAt !== undefined) {
        throw new ApiError(403, 'NOT_MEMBER', `${user} left ${visible.conv} at seq ${visible.leftAt}, before seq ${seq}`);
    }
    throw new ApiError(400, 'SEQ_OUT_OF_RANGE', `seq ${seq} is beyond the head of ${visible.conv} (seq ${visible.head})`);
}
//# sourceMappingURL=authorize.js.map