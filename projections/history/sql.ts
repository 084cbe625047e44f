/**
 * Builds one SQL statement with its values kept apart from its text. Servers
 * with query parameters get `{pN:Type}` placeholders bound by the server;
 * servers without them (ClickHouse before 19.x) get escaped literals. Either
 * way a value never reaches the SQL text unescaped: search text is user input.
 */
export type SqlType = 'String' | 'UInt64' | 'Array(String)' | 'Array(UInt64)'
export type SqlValue = string | number | string[] | number[]

export class Sql {
  private readonly params: Record<string, SqlValue> = {}
  private count = 0

  constructor(readonly bind: boolean) {}

  /** The placeholder (or literal) that stands for `value` in the statement. */
  value(value: SqlValue, type: SqlType): string {
    if (!this.bind) return literal(value, type)
    const name = `p${this.count++}`
    this.params[name] = value
    return `{${name}:${type}}`
  }

  /** The right side of `x IN ...` for a non-empty list: a bound array, or a tuple of literals. */
  list(values: string[]): string {
    if (values.length === 0) throw new TypeError('IN needs at least one value')
    if (this.bind) return this.value(values, 'Array(String)')
    return `(${values.map(quote).join(',')})`
  }

  /** What to pass as `query_params`; undefined when values are inlined. */
  get queryParams(): Record<string, SqlValue> | undefined {
    return this.bind && this.count > 0 ? this.params : undefined
  }
}

export function literal(value: SqlValue, type: SqlType): string {
  if (type === 'String') return quote(expectString(value))
  if (type === 'UInt64') return unsigned(value)
  if (!Array.isArray(value)) throw new TypeError(`an array is needed for ${type}`)
  const items = value as Array<string | number>
  return `[${items.map((v) => (type === 'Array(String)' ? quote(expectString(v)) : unsigned(v))).join(',')}]`
}

/** A ClickHouse string literal: backslash escapes, so quotes, backslashes and control bytes cannot end it. */
export function quote(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes are exactly what this escapes
  return `'${s.replace(/[\\'\u0000-\u001f]/g, escapeChar)}'`
}

function escapeChar(c: string): string {
  if (c === '\\') return '\\\\'
  if (c === "'") return "\\'"
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
}

function expectString(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`a string is needed, got ${typeof v}`)
  return v
}

function unsigned(v: unknown): string {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new TypeError(`an unsigned integer is needed, got ${String(v)}`)
  return String(v)
}

/** An identifier Seqline itself chose (database name from validated configuration); never user input. */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`not a plain identifier: ${name}`)
  return name
}
