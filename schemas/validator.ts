import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { COMMAND_TYPES, type Command, commandSchemas } from './commands.js'
import { EVENT_TYPES, eventSchemas, type SeqlineEvent } from './events.js'
import { TIME_ZONE_FORMAT, timeZoneNamed } from './times.js'

// ajv and ajv-formats are CommonJS; under ESM their constructor is the default export's default.
const Ajv = AjvModule.default
const addFormats = addFormatsModule.default

/** Largest command accepted, as serialized JSON; bounds custom payloads and whole messages. */
export const MAX_COMMAND_BYTES = 64 * 1024

export interface FieldError {
  /** JSON pointer of the offending field, e.g. /data/content/text; '' for the whole document. */
  field: string
  rule: string
  message: string
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] }

/** The project's ajv: every error reported, tagged unions told apart, no silent coercion unless asked (query strings). */
export function createAjv(options: { coerceTypes?: boolean; useDefaults?: boolean } = {}) {
  const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true, ...options })
  addFormats(ajv)
  ajv.addFormat(TIME_ZONE_FORMAT, (name: string) => timeZoneNamed(name) !== undefined)
  const compile = ajv.compile.bind(ajv)
  ajv.compile = (<T>(schema: object, meta?: boolean) => counted(compile<T>(schema, meta))) as typeof ajv.compile
  return ajv
}

let validations = 0

/**
 * How many times a validator of the project's ajv has run in this process. The
 * send path is meant to validate a command once; a test pins that with this.
 */
export const validationCount = (): number => validations

/** A compiled validator that counts its runs; its errors are the inner validator's. */
function counted<T>(validate: ValidateFunction<T>): ValidateFunction<T> {
  const run = function (this: unknown, ...args: Parameters<ValidateFunction<T>>) {
    validations++
    return validate.apply(this, args)
  } as ValidateFunction<T>
  Object.defineProperties(run, {
    errors: {
      get: () => validate.errors,
      set: (errors: ValidateFunction['errors']) => {
        validate.errors = errors
      },
    },
    schema: { get: () => validate.schema },
    schemaEnv: { get: () => validate.schemaEnv },
    evaluated: { get: () => validate.evaluated },
    source: { get: () => validate.source },
  })
  return run
}

const ajv = createAjv()
const commandValidators = new Map<string, ValidateFunction>(COMMAND_TYPES.map((t) => [t, ajv.compile(commandSchemas[t])]))
const eventValidators = new Map<string, ValidateFunction>(EVENT_TYPES.map((t) => [t, ajv.compile(eventSchemas[t])]))

declare const validated: unique symbol

/**
 * A command known to hold to its schema and to the limits no schema states:
 * the command handler runs it without checking it again. Only this module
 * makes one, so every way in says how it knows.
 */
export type ValidCommand = Command & { readonly [validated]: true }

/** Checks untrusted input (the CLI, admin routes, tools) against the command schema and the payload limits. */
export function validateCommand(input: unknown): Validation<ValidCommand> {
  return validateTagged<ValidCommand>(input, commandValidators, 'command', COMMAND_TYPES)
}

/**
 * A command Seqline builds itself from values it holds (a burn of a scheduled
 * message): typed, and of a type that carries no client payload, so valid as built.
 */
export const ownCommand = (command: Exclude<Command, { type: 'message.send' | 'message.edit' }>): ValidCommand => command as ValidCommand

/**
 * A command whose every field has just passed the command schema at the edge
 * (the socket frame's schema, or a route's body and path schemas, built from
 * the same data schemas), or which Seqline built itself from typed values:
 * only the limits no schema states are checked, so it is not validated twice.
 */
export function withinLimits(command: Command): Validation<ValidCommand> {
  if (hasCustomPayload(command)) return checkPayload(command as ValidCommand)
  return { ok: true, value: command as ValidCommand }
}

export function validateEvent(input: unknown): Validation<SeqlineEvent> {
  return validateTagged<SeqlineEvent>(input, eventValidators, 'event', EVENT_TYPES)
}

function validateTagged<T>(input: unknown, validators: Map<string, ValidateFunction>, what: string, known: readonly string[]): Validation<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('', 'type', `a ${what} must be a JSON object`)
  }
  const type = (input as { type?: unknown }).type
  const validate = typeof type === 'string' ? validators.get(type) : undefined
  if (!validate) {
    return fail('/type', 'enum', `unknown ${what} type ${JSON.stringify(type)}; expected one of ${known.join(', ')}`)
  }
  if (!validate(input)) return { ok: false, errors: (validate.errors ?? []).map(toFieldError) }
  if (what === 'command' && hasCustomPayload(input)) return checkPayload(input as T)
  return { ok: true, value: input as T }
}

/**
 * Every field but a custom payload has a schema bound that keeps a command far
 * below MAX_COMMAND_BYTES, so only commands carrying one pay for measuring.
 */
function hasCustomPayload(command: object): boolean {
  const content = (command as { data?: { content?: { type?: unknown } } }).data?.content
  return content?.type === 'custom'
}

/** Nesting beyond this in a custom payload is refused: deep enough for any real card, far from the stack's limit. */
const MAX_PAYLOAD_DEPTH = 32

function checkPayload<T>(command: T): Validation<T> {
  const payload = (command as { data: { content: { payload: unknown } } }).data.content.payload
  if (depthOf(payload) > MAX_PAYLOAD_DEPTH) {
    return fail('/data/content/payload', 'maxDepth', `/data/content/payload must not nest deeper than ${MAX_PAYLOAD_DEPTH} levels`)
  }
  if (Buffer.byteLength(JSON.stringify(command)) > MAX_COMMAND_BYTES) {
    return fail('', 'maxBytes', `a command must not exceed ${MAX_COMMAND_BYTES} bytes as JSON`)
  }
  return { ok: true, value: command }
}

/** Nesting depth of a JSON value, measured without recursion so that no input can exhaust the stack. */
function depthOf(value: unknown): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    deepest = Math.max(deepest, depth)
    if (deepest > MAX_PAYLOAD_DEPTH) return deepest
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return deepest
}

function fail<T>(field: string, rule: string, message: string): Validation<T> {
  return { ok: false, errors: [{ field, rule, message }] }
}

/** One ajv error as the project's field error: a JSON pointer, the rule, a message naming the field. */
export function toFieldError(e: ErrorObject): FieldError {
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty
    return { field: `${e.instancePath}/${pointerToken(extra)}`, rule: 'additionalProperties', message: `unknown field ${extra}` }
  }
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty
    return { field: `${e.instancePath}/${missing}`, rule: 'required', message: `${missing} is required` }
  }
  const name = e.instancePath || 'the document'
  return { field: e.instancePath, rule: e.keyword, message: `${name} ${e.message ?? 'is invalid'}` }
}

/** An object key as one JSON pointer token (RFC 6901): the key of an unknown field is the client's, so it may hold '/' or '~'. */
function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** One line naming every failing field, for logs and error messages. */
export function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field || '/'}: ${e.message}`).join('; ')
}
