import type { RouteOptions } from 'fastify'
import { REFUSALS, type RefusalCode } from '../../core/domain/index.js'
import { ERROR_CODES, type ErrorCode } from '../../schemas/index.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error codes this route answers with beyond those every route of its kind does (see errorCodesOf). */
    errors?: readonly ErrorCode[]
  }
}

/** What a command can be answered with besides its schema's refusal: a rule of the domain, a before-hook, or a log that did not answer. */
export const COMMAND_ERRORS: readonly ErrorCode[] = [
  'LOG_UNAVAILABLE',
  'CONTENTION',
  'REJECTED_BY_HOOK',
  'HOOK_UNAVAILABLE',
  ...(Object.keys(REFUSALS) as RefusalCode[]),
]

/** A route that reads a conversation: it must exist and the caller must be (or have been) a member. */
export const CONVERSATION_READ_ERRORS: readonly ErrorCode[] = ['CONVERSATION_NOT_FOUND', 'NOT_MEMBER', 'LOG_UNAVAILABLE']

/**
 * Every code a route can answer with: what follows from its kind (authenticated, limited,
 * with parameters or a body) and what it declares itself (`config.errors`). Codes the
 * router answers before any route (NOT_FOUND, METHOD_NOT_ALLOWED, MALFORMED_URL, ...) are
 * the document's, not an operation's.
 */
export function errorCodesOf(route: Pick<RouteOptions, 'schema' | 'config'>): ErrorCode[] {
  const schema = (route.schema ?? {}) as { security?: unknown[]; params?: unknown; querystring?: unknown; body?: unknown }
  const codes = new Set<ErrorCode>()
  if (schema.params || schema.querystring || schema.body) codes.add('VALIDATION_FAILED')
  if (schema.body) for (const code of ['MALFORMED_JSON', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) codes.add(code)
  // No security of its own means the document's: a user token.
  if (schema.security === undefined || schema.security.length > 0) codes.add('UNAUTHORIZED')
  const config = route.config as { rateLimit?: unknown; errors?: readonly ErrorCode[] } | undefined
  if (config?.rateLimit !== false) codes.add('RATE_LIMITED')
  for (const code of config?.errors ?? []) codes.add(code)
  codes.add('INTERNAL')
  return [...codes]
}

/** The codes by HTTP status, in status order. */
export function byStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const out = new Map<number, ErrorCode[]>()
  for (const code of [...codes].sort((a, b) => ERROR_CODES[a].status - ERROR_CODES[b].status)) {
    const status = ERROR_CODES[code].status
    out.set(status, [...(out.get(status) ?? []), code])
  }
  return out
}

/** A response's description: each code with its meaning and whether to retry. */
export function describeCodes(codes: readonly ErrorCode[]): string {
  return codes.map((code) => `- \`${code}\`: ${ERROR_CODES[code].meaning} (retry: ${ERROR_CODES[code].retry})`).join('\n')
}
