import type { EventLog } from '../../core/log/index.js'
import { type Batch, CommitLog } from './commit-log.js'
import { convertWholeCommit, partitionCommitName } from './legacy-commit.js'
import { EVERY_EVENT, type Processor } from './processor.js'
import type { Projection } from './projection.js'
import { ProcessorRunner, type RunnerOptions } from './runner.js'
import type { ViewStore } from './view-store.js'

export interface ProjectorOptions extends RunnerOptions {
  /** Records kept in memory between commits. */
  cacheRecords?: number
  /** JetStream replicas of the commit stream: as many as the log's, so losing a node does not stop the projection. */
  replicas?: number
  /**
   * Project this partition only, with a checkpoint of its own (see
   * PartitionShares): one process per partition, several processes per
   * projection. Absent: every partition, one checkpoint.
   */
  partition?: number
}

/**
 * A projection as a processor: views in KV, checkpointed by the commit log.
 * A commit writes the changed records and the position to the commit log
 * first, then to KV, so the views always stand at exactly one log position;
 * then it notes them applied, which is what the views' reach reads.
 */
function projector(
  store: ViewStore,
  projection: Projection,
  commits: CommitLog,
  cacheRecords = 100_000,
  beforeRecovery: () => Promise<void> = async () => undefined,
): Processor<Batch['records']> {
  return {
    name: projection.name,
    kind: 'projector',
    // Every event moves a conversation's head, so a view projection handles them all.
    handles: EVERY_EVENT,
    async recover() {
      await beforeRecovery()
      const last = await commits.last()
      if (!last) return {}
      await store.write(last.records)
      await commits.applied(last.cursor)
      return last.cursor
    },
    apply: (f) => projection.apply(f, store),
    commits: {
      take: () => store.snapshot(),
      empty: (records) => records.length === 0,
      async commit(records, cursor) {
        await commits.commit({ cursor, records })
        await store.write(records)
        await commits.applied(cursor)
        store.trim(cacheRecords)
      },
      async reset() {
        await commits.reset()
        await store.clear()
      },
    },
    close: () => commits.close(),
  }
}

/** A runner of a projection into a view store (not started). */
export async function openProjector(
  log: EventLog,
  store: ViewStore,
  projection: Projection,
  opts: ProjectorOptions = {},
): Promise<ProcessorRunner<Batch['records']>> {
  const p = opts.partition
  if (p === undefined) {
    const commits = await CommitLog.open(store.nc, projection.name, opts.replicas)
    return new ProcessorRunner(log, projector(store, projection, commits, opts.cacheRecords), opts)
  }
  const commits = await CommitLog.open(store.nc, partitionCommitName(projection.name, p), opts.replicas)
  const convert = () => convertWholeCommit(store.nc, store, projection.name, log.partitions, opts.replicas)
  return new ProcessorRunner(log, projector(store, projection, commits, opts.cacheRecords, convert), { ...opts, partitions: [p] })
}
