import { hash, randomBytes } from 'node:crypto'
import type { EventType, SeqlineEvent } from '../../schemas/index.js'

/**
 * The per-conversation hash chain (docs/audit.md). Each event names the hash
 * of the previous event's link form in `chain.prev`, so removing, reordering
 * or altering an event breaks the link after it. The link form commits to
 * erasable content through a per-event salt instead of holding it: once the
 * event, its text and its salt are erased, the link form kept in their place
 * still hashes to what the next event names, and reveals nothing of the text.
 */

/** Event types whose `data.content` can be erased (burn, recall with erase, retention, user erasure). */
const ERASABLE: ReadonlySet<EventType> = new Set<EventType>(['message.sent', 'message.edited'])

/** An event as the chain sees it: salt removed, erasable content replaced by its commitment. Also the shape of an erased event's record. */
export type LinkForm = {
  conv: string
  seq: number
  type: string
  chain?: { prev?: string }
  data?: Record<string, unknown>
  [field: string]: unknown
}

/** The chain field of a new event: the previous event's hash, and a salt when the event carries erasable content. */
export function chainFor(type: EventType, prev: string | undefined): NonNullable<SeqlineEvent['chain']> {
  const chain: NonNullable<SeqlineEvent['chain']> = {}
  if (prev !== undefined) chain.prev = prev
  if (ERASABLE.has(type)) chain.salt = nextSalt()
  return chain
}

const SALT_BYTES = 16
/**
 * Salts are cut from a pool of random bytes: one randomBytes call per 256 appends instead of one per append, which cost more than the hashing.
 * Made on the first append, not when the module loads, so the verifier (which never appends) also loads in a browser, where there is no Buffer.
 */
let pool: Buffer | undefined
let taken = 0

function nextSalt(): string {
  if (pool === undefined || taken + SALT_BYTES > pool.length) {
    pool = randomBytes(256 * SALT_BYTES)
    taken = 0
  }
  const salt = pool.toString('hex', taken, taken + SALT_BYTES)
  // Each salt is used once: the bytes are zeroed once read.
  pool.fill(0, taken, taken + SALT_BYTES)
  taken += SALT_BYTES
  return salt
}

export function hasErasableContent(type: string): boolean {
  return ERASABLE.has(type as EventType)
}

/**
 * The link form of an event. Events written before the chain (no `chain`
 * field) are taken whole: they have no salt to commit with, and only the
 * first chained event's `prev` ever names one of them.
 */
function linkForm(event: SeqlineEvent): LinkForm {
  const chain = event.chain
  if (!chain) return event as unknown as LinkForm
  const { salt, ...kept } = chain
  const data = (event.data ?? {}) as Record<string, unknown>
  if (salt === undefined || !hasErasableContent(event.type)) return { ...event, chain: kept } as unknown as LinkForm
  return { ...event, chain: kept, data: { ...data, content: { commitment: commitment(salt, data.content) } } } as unknown as LinkForm
}

/**
 * The record kept in place of an erased event: its link form, or null when
 * there is none that would not hold the text (an event written before the chain).
 */
export function erasedLinkOf(event: SeqlineEvent): string | null {
  if (!event.chain) return null
  if (hasErasableContent(event.type) && event.chain.salt === undefined) return null
  return canonicalJson(linkForm(event))
}

/** The hash the next event's `chain.prev` names: sha256 of the canonical link form, in hex. */
export function linkHash(link: LinkForm): string {
  return sha256(canonicalJson(link))
}

export const eventHash = (event: SeqlineEvent): string => linkHash(linkForm(event))

/** sha256(salt ‖ canonical JSON of the content), hex; the salt as its hex text. */
function commitment(salt: string, content: unknown): string {
  return sha256(salt + canonicalJson(content))
}

/** One-shot: no Hash object per call, which costs more than hashing an event. */
function sha256(text: string): string {
  return hash('sha256', text, 'hex')
}

/**
 * Canonical JSON (RFC 8785, JCS, for the values events hold): object keys
 * sorted by UTF-16 code units, no whitespace, strings and numbers as
 * JSON.stringify writes them, so any reader of the file gets the same bytes.
 * Copies the value with its keys inserted in sorted order and lets the native
 * JSON.stringify write it (about twice as fast as writing it here), except
 * where a key looks like an array index: JavaScript lists those first
 * whatever the insertion order.
 */
export function canonicalJson(value: unknown): string {
  const sorted = sortedCopy(value)
  return sorted === INDEX_KEYS ? written(value) : JSON.stringify(sorted)
}

const INDEX_KEYS = Symbol('index-like keys')
const INDEX_KEY = /^(?:0|[1-9]\d*)$/

function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) {
      const v = sortedCopy(value[i])
      if (v === INDEX_KEYS) return INDEX_KEYS
      out[i] = v
    }
    return out
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length > 1) keys.sort()
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    if (indexLike(key)) return INDEX_KEYS
    const v = sortedCopy(record[key])
    if (v === INDEX_KEYS) return INDEX_KEYS
    out[key] = v
  }
  return out
}

/** The regular expression only for keys that start with a digit: testing every key cost more than the test is worth. */
function indexLike(key: string): boolean {
  const first = key.charCodeAt(0)
  return first >= 48 && first <= 57 && INDEX_KEY.test(key)
}

/** The same canonical JSON, written key by key: for objects whose keys look like array indexes. */
function written(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : written(v))).join(',')}]`
  const record = value as Record<string, unknown>
  let out = ''
  for (const key of Object.keys(record).sort()) {
    const v = record[key]
    if (v === undefined) continue
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${written(v)}`
  }
  return `{${out}}`
}
