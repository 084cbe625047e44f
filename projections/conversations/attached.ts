import { goneTargets } from '../../core/domain/index.js'
import { type EventOf, LATEST_REACTORS, type SeqlineEvent } from '../../schemas/index.js'
import type { ViewStore } from '../runtime/index.js'
import { enc } from './keys.js'
import type { HeadRecord } from './records.js'

/** Aggregates are kept per run of this many seqs: a page of events reads one or two records, not one per message. */
export const REACTION_CHUNK = 256
const chunkOf = (seq: number) => Math.floor(seq / REACTION_CHUNK)

export const reactionKeys = {
  /** ra.<conv>.<n>: the aggregates of the messages in [n·CHUNK, (n+1)·CHUNK). */
  counts: (conv: string, seq: number) => `ra.${enc(conv)}.${chunkOf(seq)}`,
  /** rl.<conv>.<seq>: every reactor of one message; read by the projection only. */
  reactors: (conv: string, seq: number) => `rl.${enc(conv)}.${seq}`,
  /** rm.<conv>.<user>.<n>: the keys a user reacts with, per message of the chunk. */
  mine: (conv: string, user: string, seq: number) => `rm.${enc(conv)}.${user}.${chunkOf(seq)}`,
}

/** One key's aggregate on a message as stored: who reacts, counted, and the latest few. Keys are values, never property names (a key may be "__proto__"). */
export interface KeyCount {
  key: string
  count: number
  /** Newest first. */
  latest: string[]
}

/** ra: per message seq of the chunk with reactions, its aggregates per key in first-use order. */
export type CountsRecord = Record<string, KeyCount[]>
/** rl: per key, every user reacting with it, oldest first: the latest are taken from here, and the users to clear when the message goes. */
interface ReactorsRecord {
  keys: Array<{ key: string; users: string[] }>
}
/** rm: per message seq of the chunk, the keys the user reacts with. */
export type MineRecord = Record<string, string[]>

/** A reaction added or removed: the message's reactor list, its aggregates (derived from that list, so always exact) and the reactor's own keys. */
export async function applyReaction(e: EventOf<'reaction.added'> | EventOf<'reaction.removed'>, head: HeadRecord, store: ViewStore): Promise<void> {
  const { target, key } = e.data
  const reactors = await store.getOrCreate<ReactorsRecord>(reactionKeys.reactors(e.conv, target), () => ({ keys: [] }))
  let entry = reactors.keys.find((k) => k.key === key)
  if (!entry && e.type === 'reaction.added') reactors.keys.push((entry = { key, users: [] }))
  if (entry) {
    // Idempotent, so a replayed event changes nothing.
    entry.users = entry.users.filter((u) => u !== e.actor)
    if (e.type === 'reaction.added') entry.users.push(e.actor)
  }
  reactors.keys = reactors.keys.filter((k) => k.users.length > 0)
  store.set(reactionKeys.reactors(e.conv, target), reactors)
  const counts = aggregates(reactors)
  const chunk = await store.getOrCreate<CountsRecord>(reactionKeys.counts(e.conv, target), () => ({}))
  if (counts.length > 0) chunk[target] = counts
  else delete chunk[target]
  store.set(reactionKeys.counts(e.conv, target), chunk)
  const mine = await store.getOrCreate<MineRecord>(reactionKeys.mine(e.conv, e.actor, target), () => ({}))
  const keys = (mine[target] ?? []).filter((k) => k !== key)
  if (e.type === 'reaction.added') keys.push(key)
  if (keys.length > 0) mine[target] = keys
  else delete mine[target]
  store.set(reactionKeys.mine(e.conv, e.actor, target), mine)
  if (head.last?.seq === target) setLastReactions(head, target, counts)
}

function aggregates(reactors: ReactorsRecord): KeyCount[] {
  return reactors.keys.map(({ key, users }) => ({ key, count: users.length, latest: users.slice(-LATEST_REACTORS).reverse() }))
}

/** The head keeps the last message's aggregates, so an inbox row shows them without reading more records. */
function setLastReactions(head: HeadRecord, seq: number, counts: KeyCount[]): void {
  if (counts.length > 0) head.lastReactions = { seq, counts }
  else delete head.lastReactions
}

/**
 * After any event: a message recalled, burned or erased loses its reactions
 * and its pin in every view; and the head's copy of the last message's
 * aggregates stays only while that message is the last.
 */
export async function detachGone(e: SeqlineEvent, head: HeadRecord, store: ViewStore): Promise<void> {
  for (const target of goneTargets(e)) {
    if (head.pins?.some((p) => p.seq === target))
      setPins(
        head,
        head.pins.filter((p) => p.seq !== target),
      )
    await dropReactions(store, e.conv, target)
  }
  if (head.lastReactions && head.lastReactions.seq !== head.last?.seq) delete head.lastReactions
}

async function dropReactions(store: ViewStore, conv: string, target: number): Promise<void> {
  const reactors = await store.get<ReactorsRecord>(reactionKeys.reactors(conv, target))
  if (!reactors || reactors.keys.length === 0) return
  for (const user of new Set(reactors.keys.flatMap((k) => k.users))) {
    const mine = await store.get<MineRecord>(reactionKeys.mine(conv, user, target))
    if (!mine) continue
    delete mine[target]
    store.set(reactionKeys.mine(conv, user, target), mine)
  }
  const chunk = await store.get<CountsRecord>(reactionKeys.counts(conv, target))
  if (chunk) {
    delete chunk[target]
    store.set(reactionKeys.counts(conv, target), chunk)
  }
  store.set(reactionKeys.reactors(conv, target), { keys: [] } satisfies ReactorsRecord)
}

/** A pin or an unpin: the head keeps the ordered list, which every member's inbox row shows. */
export function applyPin(e: EventOf<'message.pinned'> | EventOf<'message.unpinned'>, head: HeadRecord): void {
  const kept = (head.pins ?? []).filter((p) => p.seq !== e.data.target)
  setPins(head, e.type === 'message.pinned' ? [...kept, { seq: e.data.target, by: e.actor, at: e.at }] : kept)
}

function setPins(head: HeadRecord, pins: NonNullable<HeadRecord['pins']>): void {
  if (pins.length > 0) head.pins = pins
  else delete head.pins
}
