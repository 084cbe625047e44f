import type { EventLog } from '../../core/log/index.js'
import { EVERY_EVENT, type Processor, ProcessorRunner, type RunnerOptions } from '../runtime/index.js'
import { HistoryBatch } from './batch.js'
import type { HistoryDb } from './history-db.js'
import { HistoryWriter, type Written } from './history-writer.js'
import { migrate } from './migrations.js'

export type SinkOptions = RunnerOptions

/**
 * The history sink as a processor: every event goes to ClickHouse in
 * batches. Its checkpoint is the history tables themselves — each remembers
 * the highest log position it holds — so it resumes where `events` ends.
 */
function historySink(db: HistoryDb): Processor<HistoryBatch> {
  const writer = new HistoryWriter(db)
  let written: Written = { hidden: {}, messages: {}, events: {} }
  const fresh = () => new HistoryBatch({ words: !db.caps.textIndex })
  let batch = fresh()
  return {
    name: 'history',
    kind: 'sink',
    handles: EVERY_EVENT,
    async recover() {
      await migrate(db)
      written = await writer.written()
      batch = fresh()
      return { ...written.events }
    },
    apply: (f) => batch.add(f),
    commits: {
      take() {
        const taken = batch
        batch = fresh()
        return taken
      },
      empty: (taken) => taken.size === 0,
      // The tables hold the position: the batch's rows carry it.
      commit: (taken) => (taken.size > 0 ? writer.write(taken, written) : Promise.resolve()),
      reset: () => writer.clear(),
    },
  }
}

/** The history sink's runner: follows the log from where the history tables end (not started). */
export class HistorySink extends ProcessorRunner<HistoryBatch> {
  constructor(log: EventLog, db: HistoryDb, opts: SinkOptions = {}) {
    super(log, historySink(db), { flushEvery: 5000, flushIntervalMs: 200, ...opts })
  }

  /** How far the history tables reach in the log (what is written, not just followed). */
  override get position() {
    return this.committedPosition
  }
}
