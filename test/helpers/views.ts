import assert from 'node:assert/strict'
import type { NatsConnection } from '@nats-io/transport-node'
import { until } from '../../core/index.js'
import type { Cursor, EventLog } from '../../core/log/index.js'
import { conversationsProjection } from '../../projections/conversations/index.js'
import { openProjector, readPrefix, ViewStore } from '../../projections/runtime/index.js'

const POLL_MS = 50

/** Every key of a view bucket with its latest record: a whole view state, for deepEqual. */
export function dumpBucket(nc: NatsConnection, bucket: string): Promise<Map<string, unknown>> {
  // The empty prefix filters on `$KV.<bucket>.>`, i.e. every key.
  return readPrefix<unknown>(nc, bucket, '')
}

/** The same dump as a plain object with sorted keys, so an assertion diff reads key by key. */
export function sortedRecords(dump: Map<string, unknown>): Record<string, unknown> {
  return Object.fromEntries([...dump.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Keys whose records differ between two dumps (present in one only, or with different JSON). */
export function differingKeys(a: Map<string, unknown>, b: Map<string, unknown>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()])
  return [...keys].filter((k) => !a.has(k) || !b.has(k) || !sameJson(a.get(k), b.get(k))).sort()
}

/** JSON equality that ignores property order, which differs between a replayed and a recovered record. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
  )
}

/** The last stream seq of every partition: the position a caught-up projection stands at. */
export function streamEnds(log: EventLog): Promise<Cursor> {
  return log.end()
}

/** True when the position has applied everything up to `ends` in every partition. */
export function covers(position: Cursor, ends: Cursor): boolean {
  return Object.entries(ends).every(([p, end]) => (position[Number(p)] ?? 0) >= end)
}

/**
 * Waits until position() covers the end of every partition as it stands when
 * called (the caller stops writing first), or throws after timeoutMs saying
 * how far it got.
 */
export async function waitCaughtUp(log: EventLog, position: () => Cursor, timeoutMs: number): Promise<Cursor> {
  const ends = await streamEnds(log)
  const timedOut = () => new Error(`not caught up after ${timeoutMs} ms: at ${JSON.stringify(position())}, log ends at ${JSON.stringify(ends)}`)
  await until(() => covers(position(), ends) || undefined, { timeoutMs, everyMs: POLL_MS, timedOut })
  return ends
}

/** A reference: one runner of the whole conversations projection in this process, from the first event, into `into.bucket`, with no crash. */
export async function replayFromZero(log: EventLog, nc: NatsConnection, into: { bucket: string; name: string }, timeoutMs: number): Promise<void> {
  const runner = await openProjector(log, await ViewStore.open(nc, into.bucket), conversationsProjection(log, into.name))
  await runner.start()
  try {
    await waitCaughtUp(log, () => runner.position, timeoutMs)
  } finally {
    await runner.stop()
    runner.close()
  }
  assert.equal(runner.error, null, 'the reference runner failed')
}
