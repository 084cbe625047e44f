// Synthetic chat history for the history benchmark: message.sent events in
// conversations of a given size, with Zipf-distributed words (so there are
// very common and very rare words, as in real chat) and one marker word
// planted in a fixed, small number of messages.
import type { Followed } from '../../../core/log/index.js'
import type { SeqlineEvent } from '../../../schemas/index.js'
import { mulberry32 } from '../shared/random.js'

export interface SyntheticOptions {
  messages: number
  conversations: number
  users: number
  partitions: number
  /** How many messages carry RARE_WORD (and, among the CJK ones, RARE_CJK_WORD). */
  rare: number
  startAt: number
  /** Every cjkEvery-th message is written in Chinese (no spaces between words); 0 for none. */
  cjkEvery: number
}

export const RARE_WORD = 'zyzzyva'
/** Two characters outside the range the CJK vocabulary is drawn from, so they stand next to each other only where planted. */
export const RARE_CJK_WORD = '蝾螈'
const CJK_FIRST = 0x4e00
const CJK_CHARACTERS = 2500
const VOCABULARY = 50_000
const WORDS_PER_MESSAGE = 8

/** The word of a Zipf rank: rank 1 is the most common. */
export const wordOf = (rank: number) => `w${rank.toString(36)}`
export const convOf = (n: number) => `g_bench${n}`
/** The two-character Chinese word of a Zipf rank, from the 2,500 characters after U+4E00. */
export const cjkWordOf = (rank: number) =>
  String.fromCodePoint(CJK_FIRST + (rank % CJK_CHARACTERS), CJK_FIRST + ((Math.floor(rank / CJK_CHARACTERS) * 37 + rank * 7) % CJK_CHARACTERS))

/** Yields the synthetic events in log order, in batches. */
export function* syntheticBatches(opts: SyntheticOptions, batchSize: number): Generator<Followed[]> {
  const random = mulberry32(42)
  const cdf = zipfCdf(VOCABULARY, 1.07)
  const seqs = new Uint32Array(opts.conversations)
  const pos = new Array<number>(opts.partitions).fill(0)
  const every = Math.floor(opts.messages / opts.rare)
  const cjk = (i: number) => opts.cjkEvery > 0 && i % opts.cjkEvery === 0
  const cjkRare = opts.cjkEvery > 0 ? Math.floor(opts.messages / opts.cjkEvery / opts.rare) * opts.cjkEvery : 0
  let batch: Followed[] = []
  for (let i = 0; i < opts.messages; i++) {
    const c = Math.floor(random() * opts.conversations)
    const chinese = cjk(i)
    const words: string[] = []
    for (let w = 0; w < WORDS_PER_MESSAGE; w++) words.push((chinese ? cjkWordOf : wordOf)(sample(cdf, random())))
    if (i % every === every - 1) words[3] = RARE_WORD
    if (chinese && i % cjkRare === 0 && i / cjkRare < opts.rare) words[3] = RARE_CJK_WORD
    const event = {
      id: `e${i.toString(36).padStart(21, '0')}`,
      type: 'message.sent',
      conv: convOf(c),
      seq: ++seqs[c]!,
      at: opts.startAt + i * 10,
      actor: `u${Math.floor(random() * opts.users)}`,
      v: 1,
      cmd: `c${i}`,
      data: { content: { type: 'text', text: chinese ? `${words.slice(0, 4).join('')}，${words.slice(4).join('')}。` : words.join(' ') } },
    } as SeqlineEvent
    const partition = c % opts.partitions
    batch.push({ partition, streamSeq: ++pos[partition]!, event })
    if (batch.length === batchSize) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n)
  let sum = 0
  for (let k = 1; k <= n; k++) cdf[k - 1] = sum += 1 / k ** s
  for (let k = 0; k < n; k++) cdf[k]! /= sum
  return cdf
}

/** The rank whose cumulative probability first reaches u (binary search). */
function sample(cdf: Float64Array, u: number): number {
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cdf[mid]! < u) lo = mid + 1
    else hi = mid
  }
  return lo + 1
}
