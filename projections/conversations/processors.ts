import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../core/log/index.js'
import type { Batch } from '../runtime/index.js'
import { openProjector, PartitionShares, ProcessorRunner, type ProjectorOptions, type RunnerOptions, type ShareOptions, ViewStore } from '../runtime/index.js'
import { conversationsProjection } from './apply.js'
import { BURN_ERASER, burnEraser } from './burn-eraser.js'
import { CONVERSATIONS_BUCKET } from './views.js'

/** The conversations projector as Seqline runs it: its bucket, its name, its runner (not started). */
export async function openConversationsProjector(nc: NatsConnection, log: EventLog, opts: ProjectorOptions = {}): Promise<ProcessorRunner<Batch['records']>> {
  const store = await ViewStore.open(nc, CONVERSATIONS_BUCKET, opts.replicas)
  return openProjector(log, store, conversationsProjection(log), opts)
}

/** Records each partition's runner keeps in memory: together about what one runner of every partition kept. */
const CACHE_RECORDS = 100_000

/**
 * The conversations projection spread over the processes that run it: each
 * holds a lease on its share of the log's partitions and runs one projector
 * per partition, with views and checkpoint of its own (not started).
 */
export function openConversationsShares(
  nc: NatsConnection,
  log: EventLog,
  opts: ProjectorOptions & ShareOptions & { bucket?: string; name?: string } = {},
): Promise<PartitionShares<ProcessorRunner<Batch['records']>>> {
  const name = opts.name ?? 'conversations'
  const cacheRecords = opts.cacheRecords ?? Math.ceil(CACHE_RECORDS / log.partitions)
  const make = async (partition: number) => {
    const store = await ViewStore.open(nc, opts.bucket ?? CONVERSATIONS_BUCKET, opts.replicas)
    return openProjector(log, store, conversationsProjection(log, name), { ...opts, cacheRecords, partition })
  }
  return PartitionShares.open(nc, name, log.partitions, make, opts)
}

/** The burn-erase reactor as Seqline runs it (not started). */
export async function openBurnEraser(
  nc: NatsConnection,
  log: EventLog,
  opts: RunnerOptions & { replicas?: number; name?: string } = {},
): Promise<ProcessorRunner<null>> {
  return new ProcessorRunner(log, await burnEraser(nc, log, opts.name ?? BURN_ERASER, opts.replicas), opts)
}
