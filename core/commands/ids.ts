import { hash } from 'node:crypto'

/**
 * The Nats-Msg-Id of a command's event: stable across retries of the same
 * command (so JetStream drops the copy) and distinct across actors, who choose
 * their command ids independently.
 */
export function msgIdOf(conv: string, actor: string, commandId: string): string {
  return `${conv}/${actor}/${commandId}`
}

/** The event id: a fixed-size digest of the msg id, so it too is the same on every retry. One-shot: no Hash object per event. */
export function eventIdOf(msgId: string): string {
  return hash('sha256', msgId, 'base64url').slice(0, 22)
}
