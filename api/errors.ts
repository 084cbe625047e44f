import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { ContentionError, LogUnavailableError, type HandleResult } from '../core/commands/command-handler.js'
import type { RefusalCode } from '../core/domain/refusal.js'
import type { FieldError } from '../schemas/validator.js'
import { Unauthorized } from './auth/tokens.js'

/** An error the API answers with: status, stable code, message, details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

const STATUS: Record<RefusalCode, number> = {
  CONVERSATION_NOT_FOUND: 404,
  TARGET_NOT_FOUND: 404,
  TARGET_NOT_MEMBER: 404,
  ALREADY_EXISTS: 409,
  ALREADY_MEMBER: 409,
  OWNER_MUST_TRANSFER: 409,
  TARGET_GONE: 409,
  GROUP_FULL: 409,
  NOT_EDITABLE: 409,
  NOT_BURNABLE: 409,
  CONVERSATION_ID_MISMATCH: 400,
  INVALID_PEER: 400,
  SEQ_OUT_OF_RANGE: 400,
  NOT_MEMBER: 403,
  NOT_GROUP: 403,
  BURN_DIRECT_ONLY: 403,
  DISSOLVED: 403,
  GROUP_MUTED: 403,
  MUTED: 403,
  FORBIDDEN_ROLE: 403,
  JOIN_CLOSED: 403,
  NOT_AUTHOR: 403,
  RECALL_WINDOW_PASSED: 403,
  MENTION_NOT_MEMBER: 403,
}

export const validationFailed = (errors: FieldError[]) =>
  new ApiError(400, 'VALIDATION_FAILED', errors.map((e) => `${e.field || '/'}: ${e.message}`).join('; '), { errors })

/** The API error for a refused or invalid command; accepted results pass through. */
export function failureOf(result: HandleResult): ApiError | null {
  if (result.ok) return null
  if (result.reason === 'invalid') return validationFailed(result.errors)
  return new ApiError(STATUS[result.refusal.code], result.refusal.code, result.refusal.message)
}

/** Maps anything thrown to the error shape; never a 500 for bad input, and never a stack to the client. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof Unauthorized) return new ApiError(401, 'UNAUTHORIZED', err.message)
  if (err instanceof LogUnavailableError) return new ApiError(503, 'LOG_UNAVAILABLE', `${err.message}; retry with the same command id`)
  if (err instanceof ContentionError) return new ApiError(503, 'CONTENTION', err.message)
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
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new ApiError(fe.statusCode, fe.code ?? 'BAD_REQUEST', fe.message)
  return new ApiError(500, 'INTERNAL', 'internal error')
}

function fieldError(context: string, v: { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }): FieldError {
  const extra = v.params.additionalProperty as string | undefined
  const missing = v.params.missingProperty as string | undefined
  const field = `/${context}${v.instancePath}${extra ? `/${extra}` : missing ? `/${missing}` : ''}`
  const message = extra ? `unknown field ${extra}` : missing ? `${missing} is required` : `${v.instancePath || context} ${v.message ?? 'is invalid'}`
  return { field, rule: v.keyword, message }
}

export function sendError(reply: FastifyReply, err: ApiError) {
  const body = { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } }
  return reply.code(err.status).type('application/json').send(body)
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const api = toApiError(err)
  if (api.status >= 500) request.log.error({ err }, 'request failed')
  return sendError(reply, api)
}
