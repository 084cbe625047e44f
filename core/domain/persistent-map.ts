/**
 * An immutable map from strings that changes by making a new version sharing
 * all but one path with the old (a hash array mapped trie, 32 ways per level).
 * The decider's state is a value, so a join used to copy the whole member Map:
 * O(n) per join, quadratic for a channel of 100,000. Here a change and a
 * lookup cost O(log32 n), at most 7 levels for any size. Iteration follows
 * insertion order, as a Map's does, at O(n log n): only rare commands and
 * tests iterate.
 */
export class PersistentMap<V> implements ReadonlyMap<string, V> {
  private constructor(
    private readonly root: Node<V>,
    readonly size: number,
    /** The next insertion stamp: it orders iteration as a Map orders it. */
    private readonly next: number,
  ) {}

  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>(EMPTY_NODE as Node<V>, 0, 0)
  }

  /** The map itself when it is one already (the usual case, free), else a copy of its entries in order. */
  static of<V>(map: ReadonlyMap<string, V>): PersistentMap<V> {
    if (map instanceof PersistentMap) return map as PersistentMap<V>
    let built = PersistentMap.empty<V>()
    for (const [k, v] of map) built = built.with(k, v)
    return built
  }

  get(key: string): V | undefined {
    return find(this.root, hashOf(key), key)?.value
  }

  has(key: string): boolean {
    return find(this.root, hashOf(key), key) !== undefined
  }

  /** A version with key set to value; an existing key keeps its place in the order. */
  with(key: string, value: V): PersistentMap<V> {
    const h = hashOf(key)
    const old = find(this.root, h, key)
    if (old?.value === value) return this
    const entry = { key, value, stamp: old?.stamp ?? this.next }
    return new PersistentMap(put(this.root, 0, h, entry), old ? this.size : this.size + 1, old ? this.next : this.next + 1)
  }

  /** A version without key; this very map when it has no such key. */
  without(key: string): PersistentMap<V> {
    const h = hashOf(key)
    if (!find(this.root, h, key)) return this
    return new PersistentMap(remove(this.root, 0, h, key), this.size - 1, this.next)
  }

  *entries(): MapIterator<[string, V]> {
    const all: Entry<V>[] = []
    collect(this.root, all)
    all.sort((a, b) => a.stamp - b.stamp)
    for (const e of all) yield [e.key, e.value]
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this)
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries()
  }
}

interface Entry<V> {
  key: string
  value: V
  stamp: number
}

/** Entries whose keys share one full hash. */
interface Leaf<V> {
  hash: number
  entries: readonly Entry<V>[]
}

type Node<V> = ReadonlyArray<Node<V> | Leaf<V> | undefined>

const BITS = 5
const MASK = 31

/** A node of 32 slots, all present (undefined when empty): V8 copies such a packed array fast, a holey one slowly. */
function emptyNode<V>(): Node<V> {
  return new Array<undefined>(MASK + 1).fill(undefined)
}

const EMPTY_NODE: Node<never> = Object.freeze(emptyNode<never>())

/** FNV-1a over UTF-16 code units: stable across processes, no allocation. */
function hashOf(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}

function find<V>(root: Node<V>, h: number, key: string): Entry<V> | undefined {
  let node = root
  for (let shift = 0; ; shift += BITS) {
    const slot = node[(h >>> shift) & MASK]
    if (slot === undefined) return undefined
    if (!Array.isArray(slot)) {
      const leaf = slot as Leaf<V>
      return leaf.hash === h ? leaf.entries.find((e) => e.key === key) : undefined
    }
    node = slot
  }
}

function put<V>(node: Node<V>, shift: number, h: number, entry: Entry<V>): Node<V> {
  const i = (h >>> shift) & MASK
  const slot = node[i]
  const copy = node.slice()
  if (slot === undefined) copy[i] = { hash: h, entries: [entry] }
  else if (Array.isArray(slot)) copy[i] = put(slot as Node<V>, shift + BITS, h, entry)
  else {
    const leaf = slot as Leaf<V>
    if (leaf.hash === h) copy[i] = { hash: h, entries: [...leaf.entries.filter((e) => e.key !== entry.key), entry] }
    else {
      // Two hashes in one slot: push the old leaf a level down, then place the new entry beside it.
      const below = emptyNode<V>() as Array<Node<V> | Leaf<V> | undefined>
      below[(leaf.hash >>> (shift + BITS)) & MASK] = leaf
      copy[i] = put(below, shift + BITS, h, entry)
    }
  }
  return copy
}

function remove<V>(node: Node<V>, shift: number, h: number, key: string): Node<V> {
  const i = (h >>> shift) & MASK
  const slot = node[i]
  const copy = node.slice()
  if (Array.isArray(slot)) copy[i] = remove(slot as Node<V>, shift + BITS, h, key)
  else {
    const kept = (slot as Leaf<V>).entries.filter((e) => e.key !== key)
    copy[i] = kept.length === 0 ? undefined : { hash: h, entries: kept }
  }
  return copy
}

function collect<V>(node: Node<V>, out: Entry<V>[]): void {
  for (const slot of node) {
    if (slot === undefined) continue
    if (Array.isArray(slot)) collect(slot as Node<V>, out)
    else out.push(...(slot as Leaf<V>).entries)
  }
}
