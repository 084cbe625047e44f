import type { ErrorObject, ValidateFunction } from 'ajv'
import type { createAjv } from './validator.js'

// Query strings and path parameters arrive as text. ajv's own coercion turns any text that
// JavaScript reads as a number into one: "1e400" and four hundred nines become Infinity,
// which then passes `type: integer` and skips `maximum` (ajv checks bounds on finite numbers
// only), and "0x10" becomes 16. So text is converted here, before ajv sees it, by one rule:
// an integer is decimal digits, a number is a decimal with an optional exponent, and either
// must come out finite (and safe, for an integer). Anything else is refused, naming the field.

type Ajv = ReturnType<typeof createAjv>
type Kind = 'integer' | 'number' | 'boolean'

const INTEGER_TEXT = /^-?\d+$/
const NUMBER_TEXT = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/

/** A validator of a query string or path parameters: text converted by the rule above, then the schema checked (defaults filled). */
export function compileTextValidator(ajv: Ajv, schema: object): ValidateFunction {
  const validate = ajv.compile(schema)
  const kinds = kindsOf(schema)
  const check = ((data: unknown) => {
    const refused = convert(data, kinds)
    const valid = validate(data)
    const later = valid ? [] : (validate.errors ?? []).filter((e) => !refused.some((r) => r.instancePath === e.instancePath))
    check.errors = refused.length + later.length === 0 ? null : [...refused, ...later]
    return check.errors === null
  }) as ValidateFunction
  return check
}

/** The top-level fields that are not text: what each must be converted to. */
function kindsOf(schema: object): Map<string, Kind> {
  const out = new Map<string, Kind>()
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {}
  for (const [name, property] of Object.entries(properties)) {
    const types = [property.type].flat()
    const kind = (['integer', 'number', 'boolean'] as const).find((k) => types.includes(k))
    if (kind) out.set(name, kind)
  }
  return out
}

/** Converts the fields in place; the fields whose text is no value of their kind are returned as errors and left as sent. */
function convert(data: unknown, kinds: Map<string, Kind>): ErrorObject[] {
  if (typeof data !== 'object' || data === null) return []
  const record = data as Record<string, unknown>
  const refused: ErrorObject[] = []
  for (const [name, kind] of kinds) {
    const text = record[name]
    if (typeof text !== 'string') continue
    const value = parsed(text, kind)
    if (value === undefined) refused.push(refusal(name, kind))
    else record[name] = value
  }
  return refused
}

function parsed(text: string, kind: Kind): number | boolean | undefined {
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined
  if (!(kind === 'integer' ? INTEGER_TEXT : NUMBER_TEXT).test(text)) return undefined
  const value = Number(text)
  if (kind === 'integer') return Number.isSafeInteger(value) ? value : undefined
  return Number.isFinite(value) ? value : undefined
}

const EXPECTED: Record<Kind, string> = {
  integer: `must be an integer written in decimal digits, between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
  number: 'must be a finite decimal number',
  boolean: 'must be true or false',
}

function refusal(name: string, kind: Kind): ErrorObject {
  return { instancePath: `/${name}`, schemaPath: `#/properties/${name}/type`, keyword: 'type', params: { type: kind }, message: EXPECTED[kind] }
}
