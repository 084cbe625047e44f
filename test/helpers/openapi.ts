/** The document with every `$ref` to components.schemas replaced by the schema it names, for tools that read schemas inline. */
export function dereference<T>(doc: T): T {
  const schemas = ((doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {}) as Record<string, unknown>
  const resolve = (node: unknown, seen: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => resolve(n, seen))
    if (typeof node !== 'object' || node === null) return node
    const ref = (node as { $ref?: unknown }).$ref
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length)
      if (!(name in schemas)) throw new Error(`${ref} names no schema`)
      if (seen.includes(name)) throw new Error(`${ref} refers to itself`)
      return resolve(schemas[name], [...seen, name])
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value, seen)]))
  }
  return resolve(doc, []) as T
}
