// Who talks to whom in the WebSocket benchmark: users u0..uN-1 in direct
// pairs (u0-u1, u2-u3, ...), in groups of a fixed size (u0..u9, u10..u19, ...),
// and all of them in one fan-out group. Users are referred to by index; the
// conversation ids are the ones the domain derives or accepts.
import { directConversationId } from '../../core/domain/direct-id.js';
export const userId = (i) => `u${i}`;
export function topology(clients, groupSize) {
    const users = Array.from({ length: clients }, (_, i) => userId(i));
    const directOf = new Array(clients).fill(undefined);
    const groupOf = [];
    const convs = [];
    for (let a = 0; a + 1 < clients; a += 2) {
        const plan = convPlan(directConversationId(users[a], users[a + 1]), 'direct', [a, a + 1]);
        convs.push(plan);
        directOf[a] = directOf[a + 1] = plan;
    }
    for (let first = 0; first < clients; first += groupSize) {
        const members = range(first, Math.min(clients, first + groupSize));
        const plan = convPlan(`g_w${first / groupSize}`, 'group', members);
        convs.push(plan);
        for (const m of members)
            groupOf[m] = plan;
    }
    const fanout = convPlan('g_all', 'group', range(0, clients));
    convs.push(fanout);
    return { users, convs, directOf, groupOf, fanout };
}
/** The conversations a user is in: what its socket will receive. */
export function convsOf(t, user) {
    const direct = t.directOf[user];
    return direct ? [direct, t.groupOf[user], t.fanout] : [t.groupOf[user], t.fanout];
}
function convPlan(conv, kind, members) {
    return { conv, kind, members, slot: new Map(members.map((m, i) => [m, i])) };
}
function range(from, to) {
    return Array.from({ length: to - from }, (_, i) => from + i);
}
//# sourceMappingURL=ws-topology.js.map