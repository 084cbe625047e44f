import type { KV } from '@nats-io/kv'
import { readRecord } from '../runtime/index.js'
import { type CountsRecord, type KeyCount, type MineRecord, REACTION_CHUNK, reactionKeys } from './attached.js'

/** One key's aggregate as a reader gets it: with whether the reader reacts with it. */
export interface ReactionCount extends KeyCount {
  mine: boolean
}

/**
 * The reaction aggregates of the messages in [first, last] that have any, by
 * seq, for one reader: one record per chunk of the range, plus the reader's
 * own keys per chunk. However many react, a page costs a few KV reads.
 */
export async function reactionsIn(kv: KV, conv: string, reader: string, first: number, last: number): Promise<Map<number, ReactionCount[]>> {
  const out = new Map<number, ReactionCount[]>()
  const starts = chunkStarts(first, last)
  const records = await Promise.all(
    starts.map((seq) =>
      Promise.all([readRecord<CountsRecord>(kv, reactionKeys.counts(conv, seq)), readRecord<MineRecord>(kv, reactionKeys.mine(conv, reader, seq))]),
    ),
  )
  for (const [counts, mine] of records) {
    for (const [seqText, keys] of Object.entries(counts ?? {})) {
      const seq = Number(seqText)
      if (seq < first || seq > last) continue
      const own = mine?.[seqText] ?? []
      out.set(
        seq,
        keys.map((k) => ({ ...k, mine: own.includes(k.key) })),
      )
    }
  }
  return out
}

/** A seq in each chunk the range touches. */
function chunkStarts(first: number, last: number): number[] {
  const seqs: number[] = []
  for (let chunk = Math.floor(first / REACTION_CHUNK); chunk <= Math.floor(last / REACTION_CHUNK); chunk++) seqs.push(Math.max(first, chunk * REACTION_CHUNK))
  return seqs
}
