import type { ErrorObject, ValidateFunction } from 'ajv'
import { readTime, TIME_ZONE_FORMAT, timeZoneNamed } from './times.js'
import type { createAjv } from './validator.js'

// Query strings and path parameters arrive as text. ajv's own coercion turns any text that
// JavaScript reads as a number into one: "1e400" and four hundred nines become Infinity,
// which then passes `type: integer` and skips `maximum` (ajv checks bounds on finite numbers
// only), and "0x10" becomes 16. So text is converted here, before ajv sees it, by one rule:
// an integer is decimal digits, a number is a decimal with an optional exponent, and either
// must come out finite (and safe, for an integer). Anything else is refused, naming the field.
// A time (times.ts) is epoch milliseconds or an ISO 8601 date-time with a zone, converted to
// the milliseconds; a time zone is an IANA name, converted to its spelling in the tz database.

type Ajv = ReturnType<typeof createAjv>
type Kind = 'integer' | 'number' | 'boolean' | 'time' | 'zone'
/** How a field's text is read: its kind, and for a time the bounds of its epoch milliseconds. */
interface Reading {
  kind: Kind
  min?: number
  max?: number
}
type Converted = { value: number | boolean | string } | { problem: string }

const INTEGER_TEXT = /^-?\d+$/
const NUMBER_TEXT = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/

/** A validator of a query string or path parameters: text converted by the rule above, then the schema checked (defaults filled). */
export function compileTextValidator(ajv: Ajv, schema: object): ValidateFunction {
  const validate = ajv.compile(schema)
  const readings = readingsOf(schema)
  const check = ((data: unknown) => {
    const refused = convert(data, readings)
    const valid = validate(data)
    const later = valid ? [] : (validate.errors ?? []).filter((e) => !refused.some((r) => r.instancePath === e.instancePath))
    check.errors = refused.length + later.length === 0 ? null : [...refused, ...later]
    return check.errors === null
  }) as ValidateFunction
  return check
}

type Property = { type?: unknown; format?: unknown; anyOf?: Property[]; minimum?: number; maximum?: number }

/** The top-level fields that are not plain text: how each is read. */
function readingsOf(schema: object): Map<string, Reading> {
  const out = new Map<string, Reading>()
  const properties = (schema as { properties?: Record<string, Property> }).properties ?? {}
  for (const [name, property] of Object.entries(properties)) {
    const reading = readingOf(property)
    if (reading) out.set(name, reading)
  }
  return out
}

function readingOf(property: Property): Reading | undefined {
  // A time (times.ts): epoch milliseconds or an ISO date-time, read as the milliseconds.
  const epoch = property.anyOf?.find((branch) => branch.type === 'integer')
  if (epoch && property.anyOf?.some((branch) => branch.format === 'date-time')) return { kind: 'time', min: epoch.minimum, max: epoch.maximum }
  if (property.format === TIME_ZONE_FORMAT) return { kind: 'zone' }
  const types = [property.type].flat()
  const kind = (['integer', 'number', 'boolean'] as const).find((k) => types.includes(k))
  return kind ? { kind } : undefined
}

/** Converts the fields in place; the fields whose text is no value of their kind are returned as errors and left as sent. */
function convert(data: unknown, readings: Map<string, Reading>): ErrorObject[] {
  if (typeof data !== 'object' || data === null) return []
  const record = data as Record<string, unknown>
  const refused: ErrorObject[] = []
  for (const [name, reading] of readings) {
    const text = record[name]
    if (typeof text !== 'string') continue
    const converted = parsed(text, reading)
    if ('problem' in converted) refused.push(refusal(name, reading.kind, converted.problem))
    else record[name] = converted.value
  }
  return refused
}

function parsed(text: string, reading: Reading): Converted {
  const { kind } = reading
  if (kind === 'time') return timeOf(text, reading)
  if (kind === 'zone') {
    const zone = timeZoneNamed(text)
    return zone === undefined ? { problem: 'must be an IANA time zone name, such as Asia/Shanghai or UTC' } : { value: zone }
  }
  const value = kind === 'boolean' ? booleanOf(text) : numberOf(text, kind)
  return value === undefined ? { problem: EXPECTED[kind] } : { value }
}

/** Epoch milliseconds from either form a time may take, within the schema's bounds. */
function timeOf(text: string, { min = 0, max = Number.MAX_SAFE_INTEGER }: Reading): Converted {
  const read = readTime(text)
  if ('problem' in read) return read
  if (read.ms < min || read.ms > max) {
    return { problem: `must be from ${new Date(min).toISOString()} (${min}) to ${max} in epoch milliseconds` }
  }
  return { value: read.ms }
}

function booleanOf(text: string): boolean | undefined {
  return text === 'true' ? true : text === 'false' ? false : undefined
}

function numberOf(text: string, kind: 'integer' | 'number'): number | undefined {
  if (!(kind === 'integer' ? INTEGER_TEXT : NUMBER_TEXT).test(text)) return undefined
  const value = Number(text)
  if (kind === 'integer') return Number.isSafeInteger(value) ? value : undefined
  return Number.isFinite(value) ? value : undefined
}

const EXPECTED = {
  integer: `must be an integer written in decimal digits, between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
  number: 'must be a finite decimal number',
  boolean: 'must be true or false',
}

function refusal(name: string, kind: Kind, message: string): ErrorObject {
  const keyword = kind === 'time' || kind === 'zone' ? 'format' : 'type'
  return { instancePath: `/${name}`, schemaPath: `#/properties/${name}/${keyword}`, keyword, params: { kind }, message }
}
