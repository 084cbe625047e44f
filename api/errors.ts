import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AbandonedError, ContentionError, type HandleResult, type HookRefusal, LogUnavailableError } from '../core/commands/index.js'
import type { FieldError } from '../schemas/index.js'
import { CONTENT_TYPES, ERROR_CODES, type ErrorCode } from '../schemas/index.js'
import { Unauthorized } from './auth/index.js'
import { logServerError } from './logging.js'

/** An error the API answers with: status, stable code, message, details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export const validationFailed = (errors: FieldError[]) =>
  new ApiError(400, 'VALIDATION_FAILED', errors.map((e) => `${e.field || '/'}: ${e.message}`).join('; '), { errors })

/**
 * The API error for a refused or invalid command; accepted results pass through.
 * `asSent` renames a field of the command (/data/target) to the field of the request
 * that carried it (/params/seq), so the client is told about what it sent.
 */
export function failureOf(result: HandleResult, asSent: (field: string) => string = (field) => field): ApiError | null {
  if (result.ok) return null
  if (result.reason === 'invalid') return validationFailed(result.errors.map((e) => renamed(e, asSent(e.field))))
  if (result.reason === 'hooked') return hookRefusal(result.verdict)
  return new ApiError(ERROR_CODES[result.refusal.code].status, result.refusal.code, result.refusal.message)
}

/** A before-hook's refusal carries the hook's own code and message; its failure names the hook, not its URL. */
function hookRefusal(verdict: HookRefusal): ApiError {
  if (verdict.action === 'unavailable') return new ApiError(503, 'HOOK_UNAVAILABLE', verdict.message, { hook: verdict.hook })
  return new ApiError(403, 'REJECTED_BY_HOOK', verdict.message, { hook: verdict.hook, code: verdict.code })
}

function renamed(e: FieldError, field: string): FieldError {
  if (field === e.field) return e
  const message = e.field !== '' && e.message.startsWith(e.field) ? `${field}${e.message.slice(e.field.length)}` : e.message
  return { ...e, field, message }
}

/** Maps anything thrown to the error shape; never a 500 for bad input, and never a stack to the client. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof Unauthorized) return new ApiError(401, 'UNAUTHORIZED', err.message)
  if (err instanceof LogUnavailableError) return new ApiError(503, 'LOG_UNAVAILABLE', `${err.message}; retry with the same command id`)
  if (err instanceof ContentionError) return new ApiError(503, 'CONTENTION', err.message)
  if (err instanceof AbandonedError) return new ApiError(503, 'ABANDONED', `${err.message}; retry with the same command id`)
  const fe = err as FastifyError
  if (fe.validation) {
    const errors = fe.validation.map((v) => fieldError(fe.validationContext ?? 'body', v))
    return validationFailed(errors)
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError(413, 'BODY_TOO_LARGE', fe.message)
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', fe.message)
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe instanceof SyntaxError) {
    return new ApiError(400, 'MALFORMED_JSON', 'the body is not valid JSON')
  }
  if (fe.statusCode === 429) return new ApiError(429, 'RATE_LIMITED', fe.message)
  // The router's own refusals, before any route runs (see frameworkErrors in app.ts).
  if (fe.code === 'FST_ERR_BAD_URL') return new ApiError(400, 'MALFORMED_URL', fe.message)
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH') return new ApiError(414, 'URL_TOO_LONG', 'a path segment is longer than any id can be')
  // Any other client error of the framework: its status, and a code of ours rather than Fastify's.
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new ApiError(fe.statusCode, 'BAD_REQUEST', fe.message)
  return new ApiError(500, 'INTERNAL', 'internal error')
}

function fieldError(context: string, v: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }): FieldError {
  if (v.keyword === 'discriminator' && v.params.error === 'mapping' && v.instancePath.endsWith('/content')) {
    // The only tagged union a request body holds is a message's content: name the tag and the types it may take.
    const field = `/${context}${v.instancePath}/${String(v.params.tag)}`
    return { field, rule: 'enum', message: `unknown content type ${JSON.stringify(v.params.tagValue)}; expected one of ${CONTENT_TYPES.join(', ')}` }
  }
  const extra = v.params.additionalProperty as string | undefined
  const missing = v.params.missingProperty as string | undefined
  const field = `/${context}${v.instancePath}${extra ? `/${extra}` : missing ? `/${missing}` : ''}`
  const name = nameAsSent(context, v.instancePath)
  const message = extra
    ? `unknown field ${extra}`
    : missing
      ? `${missing} is required`
      : v.keyword === 'minProperties'
        ? `${name} must have at least ${String(v.params.limit)} fields`
        : `${name} ${v.message ?? 'is invalid'}`
  return { field, rule: v.keyword, message }
}

/** A field the way the client wrote it: a query or path parameter by its name, a body field by its pointer. */
function nameAsSent(context: string, instancePath: string): string {
  if (instancePath === '') return `the ${context}`
  return context === 'body' ? instancePath : instancePath.slice(1)
}

/** The code of each error answer, for whoever reports on answers (metrics); a reply is forgotten with it. */
const answered = new WeakMap<FastifyReply, ErrorCode>()

/** The error code a reply was answered with, if it was an error answer. */
export function errorCodeOf(reply: FastifyReply): ErrorCode | undefined {
  return answered.get(reply)
}

export function sendError(reply: FastifyReply, err: ApiError) {
  answered.set(reply, err.code)
  const body = { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } }
  return reply.code(err.status).type('application/json').send(body)
}

/**
 * Requests the HTTP parser itself refuses (no valid request line or headers,
 * bad framing, headers too large) never reach Fastify's error handler: Node
 * hands over the socket. They get the same error shape, then the connection
 * is closed, as nothing after the bad bytes can be trusted.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const api =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(431, 'HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError(408, 'REQUEST_TIMEOUT', 'the request did not arrive in time')
        : new ApiError(400, 'MALFORMED_REQUEST', `the request is not valid HTTP/1.1${err.code ? ` (${err.code})` : ''}`)
  const body = JSON.stringify({ error: { code: api.code, message: api.message } })
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${api.status} ${STATUS_CODES[api.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const api = toApiError(err)
  if (api.status >= 500) logServerError(request, err, api.code)
  return sendError(reply, api)
}
