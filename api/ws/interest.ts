import type { EventType } from '../../schemas/index.js'

/**
 * The event types that add or remove members (core/domain membershipChange):
 * a process must look inside those even when none of its sockets is in the
 * conversation yet, since the users they add may be connected to it.
 */
export const MEMBERSHIP_TYPES: readonly EventType[] = ['conversation.created', 'member.invited', 'member.joined', 'member.left', 'member.kicked']

const patterns = MEMBERSHIP_TYPES.map((type) => Buffer.from(`"type":${JSON.stringify(type)}`))

/**
 * Whether an event's stored JSON may be of a membership type, read without
 * parsing it. The log stores JSON.stringify's text, where the event's own
 * type is written exactly so; a text that happens to hold the same characters
 * elsewhere only costs a decode, never a missed delivery.
 */
export function mayChangeMembership(body: Uint8Array): boolean {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  for (const p of patterns) if (bytes.includes(p)) return true
  return false
}
