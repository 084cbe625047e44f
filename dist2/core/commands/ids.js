import { createHash } from 'node:crypto';
/**
 * The Nats-Msg-Id of a command's event: stable across retries of the same
 * command (so JetStream drops the copy) and distinct across actors, who choose
 * their command ids independently.
 */
export function msgIdOf(conv, actor, commandId) {
    return `${conv}/${actor}/${commandId}`;
}
/** The event id: a fixed-size digest of the msg id, so it too is the same on every retry. */
export function eventIdOf(msgId) {
    return createHash('sha256').update(msgId).digest('base64url').slice(0, 22);
}
//# sourceMappingURL=ids.js.map