import type { ErrorObject } from 'ajv'
import type { RawData } from 'ws'
import {
  ClientFrame,
  CONTENT_TYPES,
  createAjv,
  type FieldError,
  type ClientFrame as Frame,
  type ServerFrame,
  SOCKET_COMMAND_TYPES,
  toFieldError,
} from '../../schemas/index.js'
import { ApiError, validationFailed } from '../errors.js'

const validate = createAjv().compile<Frame>(ClientFrame)
const FRAME_TYPES = ['command', 'sync', 'typing', 'presence', 'ping']

export type Parsed = { ok: true; frame: Frame } | { ok: false; error: ApiError; rid?: string }

/** A frame as received, checked against its schema; the error names every offending field. */
export function parseFrame(data: RawData, isBinary: boolean): Parsed {
  if (isBinary) return { ok: false, error: new ApiError(400, 'MALFORMED_JSON', 'frames are JSON text messages, not binary') }
  let value: unknown
  try {
    value = JSON.parse(textOf(data))
  } catch {
    return { ok: false, error: new ApiError(400, 'MALFORMED_JSON', 'the frame is not valid JSON') }
  }
  if (validate(value)) return { ok: true, frame: value }
  return { ok: false, error: validationFailed(fieldErrors(validate.errors ?? [])), rid: ridOf(value) }
}

export const encode = (frame: ServerFrame): string => JSON.stringify(frame)

const EVENT_OPEN = Buffer.from('{"type":"event","event":')
const EVENT_CLOSE = Buffer.from('}')
/** FIN and the text opcode: every frame a server sends here is one whole text message. */
const FIN_TEXT = 0x81

declare const whole: unique symbol

/**
 * A text frame as a server puts it on the wire: the WebSocket header, then the
 * UTF-8 text. A server's frames are unmasked, so the same bytes serve every
 * socket, and a socket's write is these bytes as they are (TurnWrites). Only
 * textFrame and storedEventFrame make one: a Buffer of a payload alone,
 * written as a frame, would break the stream.
 */
export type WholeFrame = Buffer & { readonly [whole]: true }

export function textFrame(text: string): WholeFrame {
  const length = Buffer.byteLength(text)
  const frame = Buffer.allocUnsafe(headerLength(length) + length)
  frame.write(text, writeHeader(frame, length))
  return frame as WholeFrame
}

/**
 * The `event` frame around an event's stored JSON, header included, in one
 * Buffer: the bytes textFrame(encode(…)) would give for it, without parsing or
 * serialising the event again.
 */
export function storedEventFrame(body: Uint8Array): WholeFrame {
  const length = EVENT_OPEN.length + body.length + EVENT_CLOSE.length
  const frame = Buffer.allocUnsafe(headerLength(length) + length)
  let at = writeHeader(frame, length)
  at += EVENT_OPEN.copy(frame, at)
  frame.set(body, at)
  EVENT_CLOSE.copy(frame, at + body.length)
  return frame as WholeFrame
}

/** RFC 6455 §5.2: a 7-bit length, or 126 and 16 bits, or 127 and 64 bits. */
function headerLength(length: number): number {
  if (length < 126) return 2
  return length < 65536 ? 4 : 10
}

/** Writes the header for a payload of `length` bytes at the frame's start; returns where the payload begins. */
function writeHeader(frame: Buffer, length: number): number {
  frame[0] = FIN_TEXT
  if (length < 126) {
    frame[1] = length
    return 2
  }
  if (length < 65536) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
    return 4
  }
  frame[1] = 127
  frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
  frame.writeUInt32BE(length >>> 0, 6)
  return 10
}

/** The error frame of an ApiError, echoing the request id when there is one. */
export function errorFrame(err: ApiError, rid?: string): ServerFrame {
  const error = { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) }
  return rid === undefined ? { type: 'error', error } : { type: 'error', rid, error }
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data as ArrayBuffer).toString('utf8')
}

/** A bad frame's rid, if readable, so the client can fail that one request instead of waiting for its timeout. */
function ridOf(value: unknown): string | undefined {
  const rid = (value as { rid?: unknown } | null)?.rid
  return typeof rid === 'string' && rid.length > 0 && rid.length <= 128 ? rid : undefined
}

/** ajv's errors as the project's field errors (JSON pointers), one per problem. */
function fieldErrors(errors: ErrorObject[]): FieldError[] {
  const out: FieldError[] = []
  for (const e of errors) {
    const f = fieldError(e)
    // A missing or non-string tag is reported twice by ajv (required/type, then discriminator); keep the first.
    if (f && !out.some((o) => o.field === f.field)) out.push(f)
  }
  return out
}

function fieldError(e: ErrorObject): FieldError | null {
  if (e.keyword !== 'discriminator') return toFieldError(e)
  const params = e.params as Record<string, unknown>
  const field = `${e.instancePath}/${String(params.tag)}`
  if (params.error !== 'mapping') return { field, rule: e.keyword, message: `${field} must be a string` }
  const [what, known] = tagsAt(e.instancePath)
  return { field, rule: 'enum', message: `unknown ${what} type ${JSON.stringify(params.tagValue)}; expected one of ${known.join(', ')}` }
}

/** What a tagged union at this place in a frame tells apart, and its tags. */
function tagsAt(instancePath: string): [string, readonly string[]] {
  if (instancePath === '') return ['frame', FRAME_TYPES]
  if (instancePath.endsWith('/content')) return ['content', CONTENT_TYPES]
  return ['command', SOCKET_COMMAND_TYPES]
}
