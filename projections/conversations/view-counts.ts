import type { ViewStore } from '../runtime/index.js'
import { keys } from './keys.js'

/**
 * View counts of a channel's posts: the view count of the post at seq p is
 * the number of subscribers whose read position has reached p (since they
 * joined: the read position a join starts at counts nothing).
 *
 * A read from a to b raises the count of every seq in (a, b] by one. Kept as
 * a Fenwick tree over the difference array: +1 at a+1, -1 at b+1, and the
 * count at p is the prefix sum up to p. A read and a query each touch at most
 * LEVELS nodes, O(log n) in the channel's length and independent of how many
 * subscribers it has.
 *
 * The tree is virtual up to 2^30 seqs and stored sparsely: node j lives in
 * chunk v.<conv>.<j / 1024> while j is not a multiple of 1024, and in one
 * record v.<conv>.top otherwise. Walking up or down from any seq stays inside
 * its own chunk until it reaches a multiple of 1024, so an update or a query
 * reads two records (three for a read's two updates), and the top record holds
 * one node per 1024 seqs of the channel.
 *
 * Idempotent as the projection's other counters are: the update is made with
 * the read record that guards it (a read not beyond the stored position
 * changes nothing), in the same batch, so a replay of a committed batch never
 * adds twice; a rebuild from zero replays the same reads in the same order and
 * builds the same nodes.
 */
const LEVELS = 30
const SIZE = 2 ** LEVELS
const CHUNK_BITS = 10
const CHUNK = 2 ** CHUNK_BITS

/** Nodes by index, only those not zero. */
interface NodeRecord {
  n: Record<string, number>
}

const lowbit = (j: number) => j & -j

function keyOf(conv: string, j: number): string {
  return j % CHUNK === 0 ? keys.viewTop(conv) : keys.viewChunk(conv, Math.floor(j / CHUNK))
}

/** Counts a read that moved a reader's position from `from` to `to` (from < to). */
export async function countViews(store: ViewStore, conv: string, from: number, to: number): Promise<void> {
  if (to <= from || to >= SIZE - 1) return
  await add(store, conv, from + 1, 1)
  await add(store, conv, to + 1, -1)
}

async function add(store: ViewStore, conv: string, index: number, delta: number): Promise<void> {
  for (let j = index; j < SIZE; j += lowbit(j)) {
    const key = keyOf(conv, j)
    const record = await store.getOrCreate<NodeRecord>(key, () => ({ n: {} }))
    const value = (record.n[j] ?? 0) + delta
    if (value === 0) delete record.n[j]
    else record.n[j] = value
    store.set(key, record)
  }
}

/** Reads one record of nodes, by key; the projection's store and the query side's KV both serve it. */
export type NodeSource = (key: string) => Promise<NodeRecord | undefined>

/** The view count of the post at seq: how many readers' positions have reached it. */
export async function viewCount(source: NodeSource, conv: string, seq: number): Promise<number> {
  if (seq < 1 || seq >= SIZE) return 0
  const records = new Map<string, Promise<NodeRecord | undefined>>()
  let sum = 0
  for (let j = seq; j > 0; j -= lowbit(j)) {
    const key = keyOf(conv, j)
    if (!records.has(key)) records.set(key, source(key))
    sum += (await records.get(key))?.n[j] ?? 0
  }
  return sum
}
