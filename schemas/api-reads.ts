import Type from 'typebox'
import { UserProfile } from './api.js'
import { EVENT_TYPES, type EventType, envelopeSchema } from './events.js'
import { ConversationId, EpochMs, Seq, UserId } from './ids.js'
import { Pins } from './pins.js'
import { PageReactions, ReactionCount } from './reactions.js'

// Schemas of the read, admin and health endpoints. Requests reuse schemas/api.ts;
// what is new here are the responses, built from the event and id schemas.

const SeqOrZero = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

// The envelope fields shared by every event type, taken from the envelope schema itself so
// there is one source. The data stays open here: its schema per type is `event:<type>` in
// schemas/events.ts, and a union of twenty branches would make every event of a page cost
// twenty schema checks in the response serializer.
const { type: _type, data: _data, ...envelopeFields } = envelopeSchema('message.sent').properties

export const StoredEnvelope = Type.Object(
  {
    ...envelopeFields,
    type: Type.Unsafe<EventType>({ type: 'string', enum: EVENT_TYPES }),
    data: Type.Unknown({ description: 'the data of the event type (schemas/events.ts)' }),
  },
  { additionalProperties: false, description: 'an event as stored in the log', title: 'Event' },
)

export const EventPage = Type.Object(
  {
    conv: ConversationId,
    head: Type.Integer({ minimum: 0, description: 'the last seq the caller may see: the head, or the leave seq of a former member' }),
    events: Type.Array(StoredEnvelope, { description: 'in ascending seq order, whichever the direction' }),
    erased: Type.Array(Seq, {
      description:
        "seqs of the range you will never get: erased from the log (burn after read) or another member's private event (delete-for-me); with events they cover the range densely",
    }),
    reactions: Type.Optional(PageReactions),
  },
  { title: 'EventPage' },
)

export const Receipt = Type.Object(
  {
    seq: Seq,
    readBy: Type.Array(UserId, { description: 'members when it was sent whose read covers it (the sender always)' }),
    unreadBy: Type.Array(UserId),
    next: Type.Optional(Type.String({ description: 'more members follow: pass as after for the next page (each page is sorted by user)' })),
  },
  { title: 'Receipt' },
)

const LastMessage = Type.Object(
  {
    seq: Seq,
    actor: Type.String(),
    at: EpochMs,
    preview: Type.String(),
    state: Type.Union([Type.Literal('live'), Type.Literal('edited'), Type.Literal('recalled'), Type.Literal('burned'), Type.Literal('erased')]),
    reactions: Type.Optional(Type.Array(ReactionCount, { description: 'its reaction aggregates, when it has any (current members)' })),
  },
  { title: 'LastMessage' },
)

const InboxRow = Type.Object(
  {
    conv: ConversationId,
    kind: Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')]),
    name: Type.Optional(Type.String()),
    maxSeq: Type.Integer({ minimum: 0, description: 'the head, or the leave seq of a former member' }),
    readSeq: SeqOrZero,
    unread: Type.Integer({ minimum: 0, description: 'live messages from others after readSeq' }),
    mentioned: Type.Boolean({ description: 'an unread message names the user or @all' }),
    last: Type.Optional(LastMessage),
    activityAt: EpochMs,
    changedAt: Type.With(EpochMs, { description: 'last change of the row: new events, my reads, my membership; what sync looks at' }),
    groupMuted: Type.Boolean(),
    mutedUntil: Type.Integer({ minimum: 0, description: 'epoch ms until which the user may not post here; 0 when not muted' }),
    dissolved: Type.Boolean(),
    left: Type.Optional(Type.Integer({ minimum: 0, description: 'set for a former member: the row is frozen at this seq' })),
    notifications: Type.Object(
      {
        mode: Type.Union([Type.Literal('all'), Type.Literal('mentions'), Type.Literal('none')]),
        until: Type.Optional(Type.With(EpochMs, { description: 'when the mode ends by itself' })),
      },
      { description: 'my notification setting here, as it holds now (all once a timed one has ended); only I see it' },
    ),
    pins: Type.Optional(Pins),
  },
  { title: 'InboxRow' },
)

export const Inbox = Type.Array(InboxRow, { description: 'most recently active first', title: 'Inbox' })

export const SyncQuery = Type.Object(
  { since: Type.Optional(Type.With(EpochMs, { description: 'the cursor of the previous sync; absent for a full sync' })) },
  { additionalProperties: false },
)

const SyncRow = Type.Object(
  {
    conv: InboxRow.properties.conv,
    maxSeq: InboxRow.properties.maxSeq,
    readSeq: InboxRow.properties.readSeq,
    unread: InboxRow.properties.unread,
    mentioned: InboxRow.properties.mentioned,
  },
  { title: 'SyncRow' },
)

export const SyncResult = Type.Object(
  {
    cursor: Type.With(EpochMs, { description: 'pass as since next time: the latest activity seen' }),
    conversations: Type.Array(SyncRow, { description: 'conversations with activity after since; pull each from your last seq to maxSeq' }),
  },
  { title: 'SyncResult' },
)

export const UserRecord = Type.Object(
  {
    ...UserProfile.properties,
    // Never the secret.
    bot: Type.Optional(Type.Object({ url: Type.String() }, { additionalProperties: false })),
    user: UserId,
    registeredAt: EpochMs,
    updatedAt: EpochMs,
  },
  { additionalProperties: false, title: 'UserRecord' },
)

export const MintedToken = Type.Object(
  {
    token: Type.String(),
    expiresAt: EpochMs,
  },
  { title: 'MintedToken' },
)

export const Alive = Type.Object({ status: Type.Literal('ok') }, { title: 'Alive' })

export const Readiness = Type.Object(
  {
    ready: Type.Boolean(),
    nats: Type.Union([Type.Literal('connected'), Type.Literal('closed'), Type.Literal('unresponsive')]),
    lag: Type.Optional(Type.Object({ events: Type.Integer({ minimum: 0 }), seconds: Type.Number({ minimum: 0 }) })),
    reasons: Type.Array(Type.String(), { description: 'why not ready; empty when ready' }),
  },
  { title: 'Readiness' },
)

/** The body of an NDJSON response: one event envelope per line. */
export function ndjsonOf(description: string) {
  return { description, content: { 'application/x-ndjson': { schema: StoredEnvelope } } }
}

export const MetricsText = { description: 'Prometheus text exposition', content: { 'text/plain': { schema: Type.String() } } }

export type Readiness = Type.Static<typeof Readiness>
