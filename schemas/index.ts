// schemas: its public entry. Other parts import from here, not from the files behind it.

export {
  ActiveSenders,
  ActiveSendersQuery,
  AnalyticsQuery,
  BusiestConversations,
  BusiestHours,
  FirstReply,
  MessagesPerDay,
  MessagesPerKind,
  type Period,
  SendersPerDay,
} from './analytics.js'
export {
  Accepted,
  ConvParams,
  ConvSeqParams,
  ConvUserParams,
  commandBody,
  ErrorBody,
  ExportQuery,
  MintTokenBody,
  RangeQuery,
  requestField,
  UserParams,
  UserProfile,
} from './api.js'
export { Alive, Inbox, MetricsText, MintedToken, ndjsonOf, Readiness, Receipt, SyncQuery, SyncResult, UserRecord } from './api-reads.js'
export { BlockAnswer, BlockEvent, BlockList, BlockParams, MAX_BLOCKED } from './blocks.js'
export { MemberPage, MemberPageQuery, ViewCount } from './channels.js'
export { renderClientTypes } from './client-types.js'
export { COMMAND_TYPES, type Command, type CommandOf, type CommandType, TARGETING_COMMANDS } from './commands.js'
export { CONFIG_DEFAULTS, CONFIG_ENV, Config, type LiveDelivery, type LogLevel, ORIGIN, ROLES, type Role } from './config.js'
export { CONTENT_TYPES, type ContentType, type MessageContent } from './content.js'
export { ERROR_CODES, type ErrorCode } from './error-codes.js'
export {
  EDITS_PER_MESSAGE,
  ERASED_PER_TOMBSTONE,
  EVENT_TYPES,
  EVENT_VERSION,
  type EventDataOf,
  type EventOf,
  type EventType,
  type PendingEvent,
  type SeqlineEvent,
} from './events.js'
export { HookList, HookParams, HookSettings, HookView } from './hooks.js'
export { ConversationId, SYSTEM_ACTOR, USER_ID_PATTERN } from './ids.js'
export { Pins } from './pins.js'
export { PushBatch, PushRequest, PushTarget, PushTargetBody } from './push.js'
export { LATEST_REACTORS, MessageReactions } from './reactions.js'
export { AuditNdjson, AuditQuery, ErasureAnswer, ErasureQuery, RetentionDefaults, UserExportNdjson } from './retention.js'
export { MAX_SEARCH_WORDS, SearchQuery, SearchResult, SqlRequest, SqlResult } from './search.js'
export { compileTextValidator } from './text-values.js'
export { EventsPage, EventsQuery, ThreadPage, ThreadParams, ThreadQuery, ThreadSummary } from './threads.js'
export { readTime } from './times.js'
export {
  createAjv,
  describeErrors,
  type FieldError,
  ownCommand,
  toFieldError,
  type ValidCommand,
  validateCommand,
  validateEvent,
  withinLimits,
} from './validator.js'
export { ReplayAccepted, ReplayBody, WebhookBody, WebhookDeleted, WebhookList, WebhookParams, WebhookState } from './webhooks.js'
export {
  CLOSE,
  ClientFrame,
  type CommandFrame,
  type PresenceStatus,
  type ServerFrame,
  SOCKET_COMMAND_TYPES,
  type SocketCommand,
  type SyncFrame,
} from './ws.js'
