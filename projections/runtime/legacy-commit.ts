import type { JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor } from '../../core/log/index.js'
import { appliedCursor, CommitLog } from './commit-log.js'
import { Lease } from './lease.js'
import type { ViewStore } from './view-store.js'

/** The commit log name of one partition's share of a projection. */
export function partitionCommitName(projection: string, partition: number): string {
  // A dash, not a dot: the whole-projection commit is purged by `seqline.view.<projection>.>`, which must not reach these.
  return `${projection}-p${partition}`
}

/**
 * Turns the checkpoint of a projection run whole (one commit for every
 * partition, as versions before partition shares kept it) into one commit per
 * partition: its records are written to KV again (they may not be there after
 * a crash), then each partition's commit takes its position, then the whole
 * commit goes. Under the lease the whole-projection runner held, so it runs
 * while no such runner does; every partition waits for it (a runner starts
 * only once no whole commit is left), so none has moved on when the records
 * are written again. A conversion cut short is simply done again.
 */
export async function convertWholeCommit(nc: NatsConnection, store: ViewStore, projection: string, partitions: number, replicas = 1): Promise<void> {
  const whole = await CommitLog.open(nc, projection, replicas)
  try {
    if ((await whole.lastCursor()) === null) return
    const lease = await Lease.open(nc, `projection.${projection}`, undefined, undefined, replicas)
    if (!(await lease.acquire())) {
      throw new Error(
        `projection ${projection}: a process of an older version runs it whole (lease projection.${projection}); its checkpoint is converted once it stops`,
      )
    }
    try {
      const last = await whole.last()
      if (!last) return
      await store.write(last.records)
      for (let p = 0; p < partitions; p++) {
        const commits = await CommitLog.open(nc, partitionCommitName(projection, p), replicas)
        const cursor = { [p]: last.cursor[p] ?? 0 }
        try {
          await commits.commit({ cursor, records: [] })
          // Its records were written above: noted applied at once, so the partition's reach stays where the whole commit had it.
          await commits.applied(cursor)
        } finally {
          commits.close()
        }
      }
      await whole.reset()
    } finally {
      await lease.release()
    }
  } finally {
    whole.close()
  }
}

/**
 * How far a projection run in partition shares reaches: each partition's last
 * commit whose records are all in KV (a partition not yet converted stands
 * where the whole commit left it), or null before any commit at all.
 */
export async function committedShares(jsm: JetStreamManager, projection: string, partitions: number): Promise<Cursor | null> {
  const [whole, ...parts] = await Promise.all([
    appliedCursor(jsm, projection),
    ...Array.from({ length: partitions }, (_, p) => appliedCursor(jsm, partitionCommitName(projection, p))),
  ])
  if (!whole && parts.every((c) => c === null)) return null
  const reach: Cursor = {}
  for (const [p, part] of parts.entries()) {
    const at = part?.[p] ?? whole?.[p]
    if (at !== undefined) reach[p] = at
  }
  return reach
}
