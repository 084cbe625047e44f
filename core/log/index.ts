// The event log: its interface, the JetStream implementation, an in-memory one for tests of the layers above, and the readers built on the interface.

export { type AuditLine, conversationAudit, conversationAuditNdjson, rangeAudit } from './audit-lines.js'
export { canonicalJson, chainFor, erasedLinkOf, eventHash, type LinkForm, linkHash } from './chain.js'
export { decodeEvent, encodeVouched, isCurrentVersion, SEQ_HEADER } from './codec.js'
export { conversationEvents, within } from './conversation-events.js'
export { type DirectMsg, type DirectQuery, type DirectReader, directReaderOf } from './direct-reader.js'
export { InvalidEventError, LogLayoutError, LogUnavailableError } from './errors.js'
export type {
  AppendResult,
  Cursor,
  EventLog,
  Followed,
  Follower,
  Head,
  JoinNotice,
  LiveCopy,
  LiveSubscription,
  PartitionInfo,
  ReadRange,
  StoredEvent,
} from './event-log.js'
export { eventsBetween, streamMessages } from './events-between.js'
export { follow } from './follow.js'
export { isStreamNotFound, isUnavailable, isWrongLastSequence } from './jetstream-errors.js'
export { type JetStreamLog, type LogOptions, openJetStreamLog } from './jetstream-log.js'
export { MemoryLog } from './memory-log.js'
export { DEFAULT_NAMES, type LogNames, liveRoot, partitionOf, streamName, subjectOf } from './partitions.js'
export { AckPublisher } from './publisher.js'
export { readAs } from './read-as.js'
export { NO_REPLY, Replies } from './replies.js'
export { ensureStream } from './streams.js'
export { type TurnSends, turnSendsOf } from './turn-sends.js'
export { type Upcaster, upcast } from './upcast.js'
export { type AuditEntry, ChainVerifier, type ErasedLine, type HeadLine, type Problem, type Verification, verifyConversation } from './verify.js'
export { type ExportVerification, ExportVerifier } from './verify-export.js'
