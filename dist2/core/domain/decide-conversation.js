import { SYSTEM_ACTOR } from '../../schemas/ids.js';
import { accept, defined, reject } from './decision.js';
import { directConversationId } from './direct-id.js';
import { refuse } from './refusal.js';
import { mustBeMember, mustBeSeenSeq, mustBeWritable, rankOf } from './rules.js';
export function createDirect(c, s) {
    if (s.kind !== 'none')
        return reject(refuse('ALREADY_EXISTS'));
    if (c.actor === SYSTEM_ACTOR || c.actor === c.data.peer)
        return reject(refuse('INVALID_PEER'));
    const id = directConversationId(c.actor, c.data.peer);
    if (c.conv !== id)
        return reject(refuse('CONVERSATION_ID_MISMATCH', `expected ${id}`));
    const members = [c.actor, c.data.peer].sort();
    return accept({ type: 'conversation.created', data: { kind: 'direct', members } });
}
export function createGroup(c, s, policy) {
    if (s.kind !== 'none')
        return reject(refuse('ALREADY_EXISTS'));
    if (!c.conv.startsWith('g_'))
        return reject(refuse('CONVERSATION_ID_MISMATCH', 'a group id starts with g_'));
    if (c.actor === SYSTEM_ACTOR)
        return reject(refuse('FORBIDDEN_ROLE', 'a group is created by the user who will own it'));
    const admins = (c.data.admins ?? []).filter((u) => u !== c.actor);
    const plain = (c.data.members ?? []).filter((u) => u !== c.actor && !admins.includes(u));
    if (1 + admins.length + plain.length > policy.maxGroupMembers) {
        return reject(refuse('GROUP_FULL', `at most ${policy.maxGroupMembers} members`));
    }
    const members = [
        { user: c.actor, role: 'owner' },
        ...admins.map((user) => ({ user, role: 'admin' })),
        ...plain.map((user) => ({ user, role: 'member' })),
    ];
    const { name, avatar, notice } = c.data;
    return accept({
        type: 'conversation.created',
        data: { kind: 'group', name, joinable: c.data.joinable ?? false, members, ...defined({ avatar, notice }) },
    });
}
export function markRead(c, s) {
    const denied = mustBeWritable(s) ?? mustBeMember(s, c.actor) ?? mustBeSeenSeq(s, c.data.upTo);
    if (denied)
        return reject(denied);
    if (c.actor === SYSTEM_ACTOR)
        return reject(refuse('NOT_MEMBER', 'Seqline itself reads nothing'));
    return accept({ type: 'conversation.read', data: { upTo: c.data.upTo } });
}
export function configureBurn(c, s, policy) {
    const denied = mustBeWritable(s) ?? (s.kind !== 'direct' ? refuse('BURN_DIRECT_ONLY') : null) ?? mustBeMember(s, c.actor);
    if (denied)
        return reject(denied);
    const seconds = c.data.seconds ?? policy.burnDefaultSeconds;
    if (s.burn.enabled === c.data.enabled && (!c.data.enabled || s.burn.seconds === seconds))
        return accept();
    return accept({ type: 'burn.configured', data: { enabled: c.data.enabled, seconds } });
}
export function deleteForMe(c, s) {
    const denied = mustBeWritable(s);
    if (denied)
        return reject(denied);
    const bound = visibleUpTo(s, c.actor);
    if (bound === 0)
        return reject(refuse('NOT_MEMBER', c.actor));
    const beyond = c.data.targets.find((t) => t > bound);
    if (beyond !== undefined)
        return reject(refuse('SEQ_OUT_OF_RANGE', `seq ${beyond} is beyond ${bound}`));
    return accept({ type: 'message.deleted_for_me', data: { targets: c.data.targets } });
}
/** The last seq a user may see: the head for members, the leave seq for former members, 0 for strangers. */
function visibleUpTo(s, user) {
    if (user === SYSTEM_ACTOR)
        return 0;
    if (rankOf(s, user) >= 0)
        return s.seq;
    return s.former.get(user) ?? 0;
}
//# sourceMappingURL=decide-conversation.js.map