import Type from 'typebox'
import { EpochMs, Seq, UserId } from './ids.js'

/** Most users one user may block: the list travels whole in every event of the user's log. */
export const MAX_BLOCKED = 1000

const Blocked = Type.Array(UserId, { maxItems: MAX_BLOCKED, uniqueItems: true, description: 'every user blocked after this event, sorted' })

/**
 * One event of a user's own log (beside the conversations' logs): a block or
 * an unblock, with the whole list as it stands after it, so that the current
 * list is one read of the log's last event.
 */
export const BlockEvent = Type.Object(
  {
    type: Type.Union([Type.Literal('user.blocked'), Type.Literal('user.unblocked')]),
    user: UserId,
    seq: Seq,
    at: EpochMs,
    cmd: Type.String({ maxLength: 200 }),
    data: Type.Object({ target: UserId, blocked: Blocked }, { additionalProperties: false }),
  },
  { additionalProperties: false, $id: 'user-event', title: 'UserEvent' },
)

export const BlockParams = Type.Object({ user: UserId }, { additionalProperties: false })

export const BlockList = Type.Object(
  { blocked: Type.Array(UserId, { description: 'the users I block, sorted; nobody else ever sees this list' }) },
  { title: 'BlockList' },
)

export const BlockAnswer = Type.Object(
  {
    user: UserId,
    blocked: Type.Boolean({ description: 'whether I block the user now' }),
    changed: Type.Boolean({ description: 'false when it already stood so' }),
  },
  { title: 'BlockAnswer' },
)

export type BlockEvent = Type.Static<typeof BlockEvent>
