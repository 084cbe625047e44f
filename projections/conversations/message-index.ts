import type { ViewStore } from '../runtime/index.js'
import { keys } from './keys.js'
import type { ChunkRecord } from './records.js'

/**
 * Per conversation, one bit per seq telling whether a live message sits
 * there, in chunks that also hold the count of live messages before them.
 * Live messages up to any seq, L(s), are then one record and a popcount, so
 * the unread count of any read position is exact: L(head) − L(read).
 * A recall or burn clears the bit and lowers the count of every later chunk.
 * A burned message is erased from the log, so a rebuild never sets its bit:
 * both paths end with the same index.
 */
export const CHUNK = 4096

const chunkIndex = (seq: number) => Math.floor(seq / CHUNK)

const EMPTY_BITS = Buffer.alloc(CHUNK / 8).toString('base64')

/** The chunk holding seq, created (with the count before it) if the conversation just reached it. */
export async function chunkFor(store: ViewStore, conv: string, seq: number): Promise<ChunkRecord> {
  const index = chunkIndex(seq)
  const key = keys.chunk(conv, index)
  const found = await store.get<ChunkRecord>(key)
  if (found) return found
  const base = index === 0 ? 0 : await liveUpTo(store, conv, index * CHUNK - 1)
  const chunk = { base, bits: EMPTY_BITS }
  store.set(key, chunk)
  return chunk
}

/** Decoded bitmaps of the chunks the projection holds in memory, by chunk object. */
const decoded = new WeakMap<ChunkRecord, Buffer>()

/**
 * The chunk's bitmap, decoded once while the chunk stays in memory: from then
 * on its `bits` is read from the bitmap (base64 made when the record is
 * written, once per flush), not decoded and encoded again for every message.
 */
function bitsOf(chunk: ChunkRecord): Buffer {
  const found = decoded.get(chunk)
  if (found) return found
  const bits = Buffer.from(chunk.bits, 'base64')
  decoded.set(chunk, bits)
  Object.defineProperty(chunk, 'bits', { get: () => bits.toString('base64'), enumerable: true, configurable: true })
  return bits
}

export async function markLive(store: ViewStore, conv: string, seq: number): Promise<void> {
  const chunk = await chunkFor(store, conv, seq)
  bitsOf(chunk)[(seq % CHUNK) >> 3]! |= 1 << ((seq % CHUNK) & 7)
  store.set(keys.chunk(conv, chunkIndex(seq)), chunk)
}

/** Clears a live message; returns false when it was not live (e.g. already erased before a rebuild saw it). */
export async function markGone(store: ViewStore, conv: string, seq: number, head: number): Promise<boolean> {
  const chunk = await chunkFor(store, conv, seq)
  const bits = bitsOf(chunk)
  const byte = (seq % CHUNK) >> 3
  const mask = 1 << ((seq % CHUNK) & 7)
  if (!(bits[byte]! & mask)) return false
  bits[byte]! &= ~mask
  store.set(keys.chunk(conv, chunkIndex(seq)), chunk)
  for (let i = chunkIndex(seq) + 1; i <= chunkIndex(head); i++) {
    const later = await store.get<ChunkRecord>(keys.chunk(conv, i))
    if (!later) continue
    later.base--
    store.set(keys.chunk(conv, i), later)
  }
  return true
}

/** Where records are read from: the projection's own store, or KV directly on the query side. */
export interface RecordSource {
  get<T>(key: string): Promise<T | undefined>
}

/** L(seq): live messages at seqs <= seq. Every seq up to the head has its chunk. */
export async function liveUpTo(source: RecordSource, conv: string, seq: number): Promise<number> {
  if (seq <= 0) return 0
  const chunk = await source.get<ChunkRecord>(keys.chunk(conv, chunkIndex(seq)))
  if (!chunk) throw new Error(`message index of ${conv} has no chunk for seq ${seq}`)
  return chunk.base + popcountUpTo(decoded.get(chunk) ?? Buffer.from(chunk.bits, 'base64'), seq % CHUNK)
}

function popcountUpTo(bits: Buffer, last: number): number {
  let n = 0
  for (let byte = 0; byte <= last >> 3; byte++) {
    let b = bits[byte]!
    if (byte === last >> 3) b &= (2 << (last & 7)) - 1
    for (; b; b &= b - 1) n++
  }
  return n
}
