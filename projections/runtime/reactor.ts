import type { NatsConnection } from '@nats-io/transport-node'
import type { Followed } from '../../core/log/index.js'
import type { EventType } from '../../schemas/index.js'
import { CommitLog } from './commit-log.js'
import type { Processor } from './processor.js'

export interface ReactorDeclaration {
  name: string
  handles: readonly EventType[]
  /** Acts on one event. Must be idempotent: events after the last checkpoint come again after a crash. */
  react(f: Followed): Promise<void>
}

/**
 * A reactor as a processor: it acts as each event arrives and keeps only a
 * position, checkpointed in the commit log (a commit with no records).
 */
export async function reactor(nc: NatsConnection, declared: ReactorDeclaration, replicas = 1): Promise<Processor<null>> {
  const commits = await CommitLog.open(nc, declared.name, replicas)
  return {
    name: declared.name,
    kind: 'reactor',
    handles: new Set(declared.handles),
    recover: async () => (await commits.lastCursor()) ?? {},
    apply: (f) => declared.react(f),
    commits: {
      take: () => null,
      empty: () => true,
      commit: (_none, cursor) => commits.commit({ cursor, records: [] }),
      reset: () => commits.reset(),
    },
    close: () => commits.close(),
  }
}
