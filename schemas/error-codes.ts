import type { RefusalCode } from '../core/domain/index.js'

/** Whether a client should send the request again: never as it is, or again (later, with the same command id). */
type Retry = 'no' | 'yes' | 'after the delay' | 'with the same command id'

export interface ErrorCodeInfo {
  status: number
  retry: Retry
  meaning: string
}

const refusal = (status: number, meaning: string): ErrorCodeInfo => ({ status, retry: 'no', meaning })

// The domain's refusals (core/domain/refusal.ts): a rule said no, so the same command gets the same answer.
const REFUSAL_CODES: Record<RefusalCode, ErrorCodeInfo> = {
  CONVERSATION_ID_MISMATCH: refusal(400, 'the conversation id does not match what the command creates'),
  INVALID_PEER: refusal(400, 'a direct conversation needs two different users'),
  SEQ_OUT_OF_RANGE: refusal(400, 'the seq is beyond the head, or beyond what the caller may see'),
  NOTIFY_UNTIL_INVALID: refusal(400, "a notification setting's until is in the past, or given with mode all (which has nothing to end)"),
  NOT_MEMBER: refusal(403, 'the caller is not (or no longer) a member'),
  NOT_GROUP: refusal(403, 'the command applies to groups only'),
  BURN_DIRECT_ONLY: refusal(403, 'burn after read applies to direct conversations only'),
  DISSOLVED: refusal(403, 'the group is dissolved; it accepts no more writes'),
  GROUP_MUTED: refusal(403, 'the group is muted; only the owner and admins post'),
  MUTED: refusal(403, 'the caller is muted in this group'),
  FORBIDDEN_ROLE: refusal(403, "the caller's role does not allow this"),
  JOIN_CLOSED: refusal(403, 'the group is not open to join'),
  NOT_AUTHOR: refusal(403, 'only the author may edit a message'),
  RECALL_WINDOW_PASSED: refusal(403, 'the recall window has passed'),
  MENTION_NOT_MEMBER: refusal(403, 'a mentioned user is not a member'),
  BLOCKED: refusal(403, 'the other member of the direct conversation blocks the caller: no opening, sending, editing or reacting there'),
  CONVERSATION_NOT_FOUND: refusal(404, 'the conversation does not exist'),
  TARGET_NOT_FOUND: refusal(404, 'no message with that seq'),
  TARGET_NOT_MEMBER: refusal(404, 'the target user is not a member'),
  ALREADY_EXISTS: refusal(409, 'the conversation already exists'),
  ALREADY_MEMBER: refusal(409, 'the user is already a member'),
  OWNER_MUST_TRANSFER: refusal(409, 'the owner must transfer ownership before leaving'),
  TARGET_GONE: refusal(409, 'the message was recalled or burned'),
  GROUP_FULL: refusal(409, 'the group has reached its member limit'),
  NOT_EDITABLE: refusal(409, 'only text and custom messages can be edited'),
  EDIT_LIMIT: refusal(409, 'the message has been edited as often as it may be (1000 times)'),
  NOT_BURNABLE: refusal(409, 'the message was not sent under burn after read'),
  THREAD_NESTED: refusal(409, 'the thread root named is itself a reply: a thread is one level deep, reply under its root'),
  NOT_ERASABLE: refusal(409, "Seqline's own erasure named a message younger than its retention cut-off, or not the erased user's"),
  CHANNEL_READ_ONLY: refusal(403, 'subscribers of a channel read; only the owner and admins post'),
  ALREADY_REACTED: refusal(409, 'the caller already reacts to the message with this key'),
  REACTION_NOT_FOUND: refusal(404, 'the caller does not react to the message with this key'),
  REACTION_KEYS_FULL: refusal(409, 'the message carries the most distinct reaction keys allowed (20)'),
  ALREADY_PINNED: refusal(409, 'the message is already pinned'),
  NOT_PINNED: refusal(404, 'the message is not pinned'),
  PINS_FULL: refusal(409, 'the conversation has the most pinned messages allowed (10); unpin one first'),
}

/**
 * Every error code the API answers with (REST and WebSocket error frames), its HTTP
 * status and whether to retry: the one table behind ApiError, the OpenAPI document's
 * error schema and the table in docs/errors.md (a unit test keeps that table in step).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: {
    status: 400,
    retry: 'no',
    meaning: 'a field is missing, unknown or invalid; details.errors name each as a JSON pointer into the request as sent',
  },
  MALFORMED_JSON: { status: 400, retry: 'no', meaning: 'the body (or WebSocket frame) is not valid JSON' },
  MALFORMED_URL: { status: 400, retry: 'no', meaning: 'the path is not valid percent-encoding' },
  MALFORMED_REQUEST: { status: 400, retry: 'no', meaning: 'the bytes are not HTTP/1.1; the connection is closed' },
  BAD_REQUEST: { status: 400, retry: 'no', meaning: "any other request the framework refuses (with the framework's 4xx status)" },
  SQL_ERROR: { status: 400, retry: 'no', meaning: "ClickHouse refused the analyst's query; the message is ClickHouse's" },
  SQL_TOO_MANY_ROWS: { status: 400, retry: 'no', meaning: 'the query returns more rows than SEQLINE_SQL_MAX_ROWS; narrow it' },
  SQL_TIMEOUT: { status: 400, retry: 'no', meaning: 'the query ran longer than SEQLINE_SQL_TIMEOUT_SECONDS; narrow it' },
  SQL_TOO_MUCH_MEMORY: { status: 400, retry: 'no', meaning: 'the query needed more memory than SEQLINE_SQL_MAX_MEMORY_MB; narrow it' },
  UNAUTHORIZED: { status: 401, retry: 'no', meaning: 'a missing, expired or wrong token (or not the service credential on /v1/admin); get a new token' },
  SQL_READ_ONLY: { status: 403, retry: 'no', meaning: 'analyst SQL may only read' },
  SQL_OUTSIDE_HISTORY: {
    status: 403,
    retry: 'no',
    meaning: "analyst SQL may read only Seqline's history database: no system tables, other databases, files, URLs or dictionaries",
  },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    retry: 'no',
    meaning: 'a browser page from an origin not in SEQLINE_CORS_ORIGINS opened a WebSocket; refused before the upgrade',
  },
  REJECTED_BY_HOOK: {
    status: 403,
    retry: 'no',
    meaning: "a before-hook refused the command; details.hook names it, details.code and the message are the hook's own",
  },
  NOT_FOUND: { status: 404, retry: 'no', meaning: 'no such path' },
  HOOK_NOT_FOUND: { status: 404, retry: 'no', meaning: 'no before-hook has that name' },
  USER_NOT_FOUND: { status: 404, retry: 'no', meaning: 'the user is not registered' },
  PUSH_NOT_CONFIGURED: { status: 404, retry: 'no', meaning: 'no push target is set (PUT /v1/admin/push sets one)' },
  WEBHOOK_NOT_FOUND: { status: 404, retry: 'no', meaning: 'no webhook by that name' },
  METHOD_NOT_ALLOWED: { status: 405, retry: 'no', meaning: 'the path exists but not with this method; the Allow header lists its methods' },
  REQUEST_TIMEOUT: { status: 408, retry: 'yes', meaning: 'the request did not arrive in time; the connection is closed' },
  BODY_TOO_LARGE: { status: 413, retry: 'no', meaning: 'the body is larger than SEQLINE_BODY_LIMIT_BYTES' },
  URL_TOO_LONG: { status: 414, retry: 'no', meaning: 'a path segment is longer than any id can be' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retry: 'no', meaning: 'a body that is not application/json' },
  UPGRADE_REQUIRED: { status: 426, retry: 'no', meaning: 'GET /v1/ws without Upgrade: websocket' },
  RATE_LIMITED: {
    status: 429,
    retry: 'after the delay',
    meaning: 'too many requests (per user; per address before authentication, and after failed authentications)',
  },
  HEADERS_TOO_LARGE: { status: 431, retry: 'no', meaning: 'the request headers are larger than the server accepts' },
  INTERNAL: { status: 500, retry: 'with the same command id', meaning: 'a fault of the server; it is logged with the request id' },
  MINTING_UNAVAILABLE: { status: 501, retry: 'no', meaning: 'Seqline verifies tokens with a public key or JWKS; the platform mints them' },
  LOG_UNAVAILABLE: { status: 503, retry: 'with the same command id', meaning: 'the event log (NATS JetStream) did not answer' },
  CONTENTION: { status: 503, retry: 'with the same command id', meaning: 'other writers won the conversation 25 times in a row' },
  ABANDONED: {
    status: 503,
    retry: 'with the same command id',
    meaning: 'WebSocket only: the socket closed while its command waited behind others of the conversation; it was not executed',
  },
  HOOK_UNAVAILABLE: {
    status: 503,
    retry: 'with the same command id',
    meaning: 'a before-hook set to onFailure "reject" timed out, could not be reached or answered malformed; nothing was stored',
  },
  WEBHOOKS_UNAVAILABLE: { status: 503, retry: 'no', meaning: 'this process administers no webhooks (it runs without NATS KV access to them)' },
  HISTORY_UNAVAILABLE: { status: 503, retry: 'yes', meaning: 'ClickHouse cannot be reached, or this process has no history store' },
  CANNOT_BLOCK_SELF: { status: 400, retry: 'no', meaning: 'a user blocks others, not themselves' },
  BLOCK_LIST_FULL: { status: 409, retry: 'no', meaning: 'the caller already blocks the most users one may (1000); unblock one first' },
  ...REFUSAL_CODES,
} as const satisfies Record<string, ErrorCodeInfo>

export type ErrorCode = keyof typeof ERROR_CODES

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as ErrorCode[]
