import type { RouteOptions } from 'fastify'
import { ERROR_CODES, ErrorBody, type ErrorCode } from '../../schemas/index.js'
import { byStatus, describeCodes, errorCodesOf } from './errors.js'
import { exampleOf } from './examples.js'

// The OpenAPI document as clients and code generators need it, shaped from what
// @fastify/swagger makes of the route schemas: per operation its error codes by status,
// an example of each request and response, and named schemas as components.

type Json = Record<string, unknown>

const REQUEST_PARTS = ['querystring', 'params', 'body', 'headers']
const COMPONENTS = '#/components/schemas/'
/** Where each error response lists its codes, for clients and tools: an extension of the response object. */
const ERROR_CODES_KEY = 'x-error-codes'

/** One route's schema as the document states it (swagger's `transform`). */
export function documentedRoute(route: Pick<RouteOptions, 'schema' | 'config'>): Json | undefined {
  if (!route.schema) return undefined
  const out: Json = { ...(route.schema as Json) }
  for (const part of REQUEST_PARTS) if (out[part]) out[part] = defaultsOptional(out[part])
  const responses = { ...((out.response ?? {}) as Json) }
  // The catch-all error entries of the routes give way to one entry per status, naming its codes.
  delete responses['4xx']
  delete responses['5xx']
  for (const [status, codes] of byStatus(errorCodesOf(route))) {
    if (responses[status] !== undefined) continue // an answer of its own at that status (readiness 503)
    // Swagger makes the response of the whole entry: its description, and the rest as the schema (moved out again below).
    responses[status] = { ...ErrorBody, 'x-response-description': describeCodes(codes), [ERROR_CODES_KEY]: codes }
  }
  out.response = responses
  return out
}

/**
 * The server fills a missing field that has a default (ajv's useDefaults) before it checks
 * `required`, so to a client such a field is optional: the document must not list it as required.
 */
function defaultsOptional(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(defaultsOptional)
  if (typeof schema !== 'object' || schema === null) return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) out[key] = defaultsOptional(value)
  const properties = out.properties as Record<string, { default?: unknown }> | undefined
  if (properties && Array.isArray(out.required)) {
    const required = (out.required as string[]).filter((name) => properties[name]?.default === undefined)
    if (required.length > 0) out.required = required
    else delete out.required
  }
  return out
}

/** The whole document (swagger's `transformObject`): examples added, then titled schemas made components. */
export function documentedObject<D extends object>(document: D): D {
  const paths = ((document as Json).paths ?? {}) as Record<string, Record<string, Json>>
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      liftErrorCodes(operation)
      addExamples(operation)
    }
  }
  const components = ((document as Json).components ?? {}) as Json
  const schemas: Record<string, Json> = { ...((components.schemas ?? {}) as Record<string, Json>) }
  const hoisted = hoist(paths, schemas)
  return { ...document, paths: hoisted, components: { ...components, schemas } }
}

/** The codes of an error response, from its schema (where swagger left them) to the response. */
function liftErrorCodes(operation: Json): void {
  for (const response of Object.values((operation.responses ?? {}) as Record<string, Json & { content?: Record<string, { schema?: Json }> }>)) {
    for (const media of Object.values(response.content ?? {})) {
      const codes = media.schema?.[ERROR_CODES_KEY]
      if (codes === undefined) continue
      response[ERROR_CODES_KEY] = codes
      delete media.schema![ERROR_CODES_KEY]
    }
  }
}

function addExamples(operation: Json): void {
  for (const parameter of (operation.parameters ?? []) as Json[]) {
    parameter.example ??= exampleOf((parameter.schema ?? {}) as Json, String(parameter.name))
  }
  const body = operation.requestBody as { content?: Record<string, Json> } | undefined
  for (const media of Object.values(body?.content ?? {})) media.example ??= exampleOf((media.schema ?? {}) as Json)
  for (const [status, response] of Object.entries(
    (operation.responses ?? {}) as Record<string, { content?: Record<string, Json>; [ERROR_CODES_KEY]?: ErrorCode[] }>,
  )) {
    const code = response[ERROR_CODES_KEY]?.[0]
    for (const media of Object.values(response.content ?? {})) {
      media.example ??= code ? errorExample(code) : status.startsWith('2') || status === '503' ? exampleOf((media.schema ?? {}) as Json) : undefined
      if (media.example === undefined) delete media.example
    }
  }
}

function errorExample(code: ErrorCode): Json {
  return { error: { code, message: ERROR_CODES[code].meaning } }
}

/**
 * Replaces each schema with a title by a reference to it under components.schemas, so that
 * code generators make one named type of it instead of an anonymous one per use.
 */
function hoist(node: unknown, schemas: Record<string, Json>): unknown {
  if (Array.isArray(node)) return node.map((n) => hoist(n, schemas))
  if (typeof node !== 'object' || node === null) return node
  const out: Json = {}
  for (const [key, value] of Object.entries(node)) out[key] = key === 'example' ? value : hoist(value, schemas)
  if (typeof out.title !== 'string' || typeof out.type !== 'string') return out
  const known = schemas[out.title]
  if (known && JSON.stringify(known) !== JSON.stringify(out)) throw new Error(`two different schemas are both named ${out.title}`)
  schemas[out.title] = out
  return { $ref: `${COMPONENTS}${out.title}` }
}
