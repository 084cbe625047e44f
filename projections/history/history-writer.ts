import { until } from '../../core/index.js'
import type { Cursor } from '../../core/log/index.js'
import { type HistoryBatch, messageKey, type Original } from './batch.js'
import type { HistoryDb } from './history-db.js'
import { type EncodedRow, encoded } from './rows.js'

const TABLES = ['hidden', 'messages', 'events'] as const
export type Table = (typeof TABLES)[number]
export type Written = Record<Table, Cursor>

/**
 * Writes batches so that each event lands in each table exactly once, across
 * crashes. One INSERT into an unpartitioned MergeTree is one part, stored
 * whole or not at all; each table remembers how far it got (the highest log
 * position in it, per partition), and rows at or below that are not written
 * again. `events` is written last, so its position is where a batch is
 * complete and where the sink resumes.
 */
export class HistoryWriter {
  constructor(readonly db: HistoryDb) {}

  async written(): Promise<Written> {
    const written = {} as Written
    for (const table of TABLES) {
      const rows = await this.db.rows<{ part: number; pos: number }>(`SELECT part, max(pos) AS pos FROM ${this.db.table(table)} GROUP BY part`)
      written[table] = Object.fromEntries(rows.map((r) => [r.part, r.pos]))
    }
    return written
  }

  async write(batch: HistoryBatch, written: Written): Promise<void> {
    // A server without a text index searches a column of words, which the batch encodes with each message. Refused before anything is written.
    if (batch.words === this.db.caps.textIndex) throw new Error(`a history batch ${batch.words ? 'with' : 'without'} words, for a server that needs the other`)
    // Erase first: a crash after it repeats it harmlessly; rows of this batch are already blank.
    await this.erase(batch.erase)
    const messages = batch.encodedMessageRows(await this.originals(batch.lookups()))
    await this.insert('hidden', batch.hidden.map(encoded), written)
    await this.insert('messages', messages, written)
    await this.insert('events', batch.events, written)
  }

  protected async insert(table: Table, rows: EncodedRow[], written: Written): Promise<void> {
    const fresh = rows.filter((r) => r.pos > (written[table][r.part] ?? 0))
    const lines = fresh.map((r) => r.json)
    await this.db.insertEncoded(table, lines)
    for (const r of fresh) written[table][r.part] = Math.max(written[table][r.part] ?? 0, r.pos)
  }

  private async originals(targets: Map<string, number[]>): Promise<Map<string, Original>> {
    const found = new Map<string, Original>()
    if (targets.size === 0) return found
    const sql = this.db.sql()
    const seqs = [...new Set([...targets.values()].flat())]
    const rows = await this.db.rows<Original>(
      `SELECT conv, seq, at_ms, sender, kind FROM ${this.db.table('messages')} FINAL
       WHERE conv IN ${sql.list([...targets.keys()])} AND has(${sql.value(seqs, 'Array(UInt64)')}, seq)`,
      sql,
    )
    for (const r of rows) found.set(messageKey(r.conv, r.seq), r)
    return found
  }

  /** Rewrites every stored version of the targets without text: the content is gone from disk, not hidden. */
  async erase(targets: Map<string, Set<number>>): Promise<void> {
    if (targets.size === 0) return
    const sql = this.db.sql()
    const where = [...targets].map(([conv, seqs]) => `(conv = ${sql.value(conv, 'String')} AND has(${sql.value([...seqs], 'Array(UInt64)')}, seq))`)
    // `[]` has no element type on old servers; emptyArrayString() works everywhere.
    const set = this.db.caps.textIndex ? `text = ''` : `text = '', words = emptyArrayString()`
    const table = this.db.table('messages')
    await this.db.command(`ALTER TABLE ${table} UPDATE ${set} WHERE ${where.join(' OR ')}`, sql, this.db.caps.mutationsSync ? { mutations_sync: '2' } : {})
    if (!this.db.caps.mutationsSync) await this.untilMutationsDone('messages')
  }

  /** Servers without mutations_sync run mutations in the background; wait for ours to finish. */
  private async untilMutationsDone(table: string, timeoutMs = 120_000): Promise<void> {
    const sql = this.db.sql()
    const query = `SELECT count() AS open FROM system.mutations WHERE database = ${sql.value(this.db.database, 'String')} AND table = ${sql.value(table, 'String')} AND is_done = 0`
    const done = async () => {
      const [row] = await this.db.rows<{ open: number }>(query, sql)
      return Number(row?.open ?? 0) === 0 ? true : undefined
    }
    await until(done, { timeoutMs, everyMs: 50, timedOut: () => new Error(`mutations on ${table} did not finish within ${timeoutMs} ms`) })
  }

  /** Empties every history table (a rebuild replays the log into them). */
  async clear(): Promise<void> {
    for (const table of TABLES) await this.db.command(`TRUNCATE TABLE ${this.db.table(table)}`)
  }
}
