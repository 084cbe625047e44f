import Type from 'typebox'
import { ErrorBody } from './api.js'
import { COMMAND_TYPES, type CommandData, type CommandOf, type CommandType, commandData } from './commands.js'
import { EVENT_TYPES, eventSchemas, type SeqlineEvent } from './events.js'
import { CommandId, ConversationId, Seq, UserId } from './ids.js'
import { taggedUnion } from './tagged-union.js'

/*
 * Every frame of the WebSocket protocol at /v1/ws, both directions. Frames are
 * JSON text messages with a `type`. The same objects give the TypeScript types
 * (client and gateway) and the ajv validators the gateway runs on what arrives.
 *
 * client → server                          server → client
 *   command {rid, command}                   ack {rid, conv, seq, duplicate} | error {rid, error}
 *   sync {have: {conv: seq}, latest?}        skipped {conv, upTo}?, erased {conv, seqs}… and event… per conversation, then synced
 *   typing {conv}                            typing {conv, user} to the other members
 *   presence {status}                        (published on core NATS for the platform; not echoed)
 *   ping                                     pong
 * and unprompted: event {event} for every new event of the user's conversations;
 * error {error} for a bad frame. Close codes: CLOSE below.
 *
 * Live events may overlap a sync, so clients deduplicate by (conv, seq).
 */

const Obj = <P extends Type.TProperties>(props: P, opts: Type.TObjectOptions = {}) => Type.Object(props, { additionalProperties: false, ...opts })

/** Close codes the gateway uses besides the standard ones. */
export const CLOSE = {
  /** The token is missing, malformed, wrongly signed or expired: get a new one before reconnecting. */
  UNAUTHORIZED: 4401,
  /** Too many bad frames in a short time. */
  POLICY: 1008,
  /** The server is shutting down: reconnect (to another process). */
  GOING_AWAY: 1001,
  /** Sync could not be served (views or log unavailable): reconnect later. */
  UNAVAILABLE: 1011,
} as const

/** Client-chosen id of a request frame, echoed in its ack or error. */
const RequestId = Type.String({ minLength: 1, maxLength: 128, description: 'echoed in the ack or error of this frame' })

/** Commands a user may send over the socket: all but the burn, which only Seqline itself issues. */
export type SocketCommandType = Exclude<CommandType, 'message.burn'>
export const SOCKET_COMMAND_TYPES = COMMAND_TYPES.filter((t): t is SocketCommandType => t !== 'message.burn')

/** A command as a client sends it: no actor — the gateway sets the authenticated user. */
export type SocketCommand = { [K in SocketCommandType]: Omit<CommandOf<K>, 'actor'> }[SocketCommandType]

const socketCommand = <K extends SocketCommandType>(type: K) =>
  Obj({ type: Type.Literal(type), id: CommandId, conv: ConversationId, data: commandData[type] as CommandData[K] })

export const SocketCommand = Type.Unsafe<SocketCommand>(taggedUnion(SOCKET_COMMAND_TYPES.map(socketCommand), 'type'))

const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number]
// An enum rather than a union of literals, so a wrong value gets one error rather than one per literal.
export const PresenceStatus = Type.Unsafe<PresenceStatus>({ type: 'string', enum: [...PRESENCE_STATUSES] })

// ---- client → server ----

export const CommandFrame = Obj({ type: Type.Literal('command'), rid: RequestId, command: SocketCommand })

/** The most a latest-N sync may ask for per conversation. */
const MAX_SYNC_LATEST = 10_000

/**
 * `have`: the highest seq the client holds per conversation; conversations left out are sent from seq 1,
 * or, with `latest`, only their last `latest` events (a new device that does not want all history).
 */
export const SyncFrame = Obj({
  type: Type.Literal('sync'),
  have: Type.Record(ConversationId, Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), {
    additionalProperties: false,
    maxProperties: 100_000,
  }),
  latest: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_SYNC_LATEST, description: 'for conversations not in have: only this many of their latest events' }),
  ),
})

export const TypingFrame = Obj({ type: Type.Literal('typing'), conv: ConversationId })
export const PresenceFrame = Obj({ type: Type.Literal('presence'), status: PresenceStatus })
export const PingFrame = Obj({ type: Type.Literal('ping') })

export const ClientFrame = taggedUnion([CommandFrame, SyncFrame, TypingFrame, PresenceFrame, PingFrame], 'type')

// ---- server → client ----

export const AckFrame = Obj({
  type: Type.Literal('ack'),
  rid: RequestId,
  conv: ConversationId,
  seq: Type.Integer({ minimum: 0, description: 'seq of the event written, or the head when the command changed nothing' }),
  duplicate: Type.Boolean({ description: 'true when this command id was seen before: the original seq' }),
})

export const ErrorFrame = Obj({
  type: Type.Literal('error'),
  /** Set when the error answers a frame whose rid could be read. */
  rid: Type.Optional(RequestId),
  // The same error as over REST: a code from the one table (schemas/error-codes.ts).
  error: Obj({ code: ErrorBody.properties.error.properties.code, message: Type.String(), details: Type.Optional(Type.Unknown()) }),
})

export const EventFrame = Obj({
  type: Type.Literal('event'),
  event: Type.Unsafe<SeqlineEvent>(
    taggedUnion(
      EVENT_TYPES.map((t) => eventSchemas[t]),
      'type',
    ),
  ),
})

/** Seqs of a conversation this client will never get — erased (burned) or another member's private event: holes it skips. */
export const ErasedFrame = Obj({ type: Type.Literal('erased'), conv: ConversationId, seqs: Type.Array(Seq, { minItems: 1 }) })
/** A latest-N sync left out the seqs up to upTo of a conversation not in `have`: the client moves past them (older history is there to pull by seq range). */
export const SkippedFrame = Obj({ type: Type.Literal('skipped'), conv: ConversationId, upTo: Seq })
export const SyncedFrame = Obj({ type: Type.Literal('synced') })
export const TypingNoticeFrame = Obj({ type: Type.Literal('typing'), conv: ConversationId, user: UserId })
export const PongFrame = Obj({ type: Type.Literal('pong') })

export const ServerFrame = taggedUnion([AckFrame, ErrorFrame, EventFrame, ErasedFrame, SkippedFrame, SyncedFrame, TypingNoticeFrame, PongFrame], 'type')

export type CommandFrame = Type.Static<typeof CommandFrame>
export type SyncFrame = Type.Static<typeof SyncFrame>
export type TypingFrame = Type.Static<typeof TypingFrame>
export type PresenceFrame = Type.Static<typeof PresenceFrame>
export type PingFrame = Type.Static<typeof PingFrame>
export type ClientFrame = CommandFrame | SyncFrame | TypingFrame | PresenceFrame | PingFrame

export type AckFrame = Type.Static<typeof AckFrame>
export type ErrorFrame = Type.Static<typeof ErrorFrame>
export type EventFrame = Type.Static<typeof EventFrame>
export type ErasedFrame = Type.Static<typeof ErasedFrame>
export type SkippedFrame = Type.Static<typeof SkippedFrame>
export type SyncedFrame = Type.Static<typeof SyncedFrame>
export type TypingNoticeFrame = Type.Static<typeof TypingNoticeFrame>
export type PongFrame = Type.Static<typeof PongFrame>
export type ServerFrame = AckFrame | ErrorFrame | EventFrame | ErasedFrame | SkippedFrame | SyncedFrame | TypingNoticeFrame | PongFrame
