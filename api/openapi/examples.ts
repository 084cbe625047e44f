// Examples for the OpenAPI document, made from the schemas themselves so they cannot drift
// from what the server accepts and answers (a unit test validates each against its schema).

type Schema = Record<string, unknown>

/** Values that read as real ones, by field name; used only where the schema accepts them. */
const BY_NAME: Record<string, unknown> = {
  conv: 'g_team',
  user: 'amy',
  actor: 'amy',
  sender: 'amy',
  peer: 'bo',
  to: 'bo',
  users: ['bo', 'cy'],
  members: ['bo', 'cy'],
  admins: ['bo'],
  readBy: ['amy', 'bo'],
  unreadBy: ['cy'],
  id: 'cmd-4f1c2a9e',
  name: 'Team',
  text: 'see you at ten',
  q: 'roadmap',
  preview: 'see you at ten',
  snippet: 'the roadmap for next quarter',
  sql: 'SELECT count() FROM messages',
  role: 'admin',
  seq: 42,
  head: 42,
  maxSeq: 42,
  readSeq: 40,
  unread: 2,
  upTo: 42,
  target: 42,
  targets: [41, 42],
  seconds: 3600,
  ttlSeconds: 3600,
  at: 1767225600000,
  activityAt: 1767225600000,
  changedAt: 1767225600000,
  createdAt: 1767225600000,
  registeredAt: 1767225600000,
  updatedAt: 1767225600000,
  expiresAt: 1767229200000,
  cursor: 'eyJhdCI6MTc2NzIyNTYwMDAwMH0',
  day: '2026-01-01',
  token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbXkifQ.c2lnbmF0dXJl',
}

/** Strings tried, in order, against a pattern no field name matched. */
const PATTERNED = ['g_team', 'amy', 'd~amy~bo', 'cmd-4f1c2a9e', 'Xq3vB8mK2pL9nR4tW7yZ1a', 'text', 'image/png', '2026-01-01', 'card']

/** A value the schema accepts, preferring the one its field name suggests. */
export function exampleOf(schema: Schema, name = ''): unknown {
  if (schema.example !== undefined) return schema.example
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0]
  const named = BY_NAME[name]
  if (named !== undefined && fits(schema, named)) return named
  if (schema.default !== undefined) return schema.default
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined
  if (branches?.length) return exampleOf(branches[0]!, name)
  switch (schema.type) {
    case 'object':
      return objectExample(schema)
    case 'array':
      return arrayExample(schema, name)
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1
    case 'boolean':
      return false
    case 'string':
      return stringExample(schema)
    default:
      return {}
  }
}

function objectExample(schema: Schema): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  const names = [...((schema.required as string[] | undefined) ?? [])]
  // Optional fields too, up to what the schema asks for at least (an update names one field or more).
  for (const extra of Object.keys(properties)) if (names.length < Number(schema.minProperties ?? 0) && !names.includes(extra)) names.push(extra)
  return Object.fromEntries(names.map((key) => [key, exampleOf(properties[key] ?? {}, key)]))
}

function arrayExample(schema: Schema, name: string): unknown[] {
  if (schema.maxItems === 0) return []
  const items = (schema.items ?? {}) as Schema
  const count = Math.max(Number(schema.minItems ?? 1), 1)
  // An array of tuples (highlights) describes each item by position.
  if (Array.isArray(items)) return items.map((item: Schema) => exampleOf(item))
  const values = Array.from({ length: count }, () => exampleOf(items, singular(name)))
  return schema.uniqueItems ? values.map((v, i) => (typeof v === 'number' ? v + i : v)) : values
}

function stringExample(schema: Schema): string {
  if (schema.format === 'uri') return 'https://example.com/avatar.png'
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern)
    const found = PATTERNED.find((candidate) => pattern.test(candidate))
    if (found !== undefined) return found
  }
  return 'text'.padEnd(Number(schema.minLength ?? 0), 'x')
}

/** Whether a value suits a schema as far as a name-picked value can be wrong: type, pattern, bounds, enum. */
function fits(schema: Schema, value: unknown): boolean {
  if (Array.isArray(schema.enum)) return schema.enum.includes(value)
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' && (typeof schema.pattern !== 'string' || new RegExp(schema.pattern).test(value))
    case 'integer':
    case 'number':
      return typeof value === 'number' && value >= Number(schema.minimum ?? -Infinity) && value <= Number(schema.maximum ?? Infinity)
    case 'array':
      return Array.isArray(value) && value.every((v) => fits((schema.items ?? {}) as Schema, v))
    default:
      return false
  }
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name
}
