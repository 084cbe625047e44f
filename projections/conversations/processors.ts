import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../core/log/index.js'
import type { Batch } from '../runtime/index.js'
import { openProjector, ProcessorRunner, type ProjectorOptions, type RunnerOptions, ViewStore } from '../runtime/index.js'
import { conversationsProjection } from './apply.js'
import { BURN_ERASER, burnEraser } from './burn-eraser.js'
import { CONVERSATIONS_BUCKET } from './views.js'

/** The conversations projector as Seqline runs it: its bucket, its name, its runner (not started). */
export async function openConversationsProjector(nc: NatsConnection, log: EventLog, opts: ProjectorOptions = {}): Promise<ProcessorRunner<Batch['records']>> {
  const store = await ViewStore.open(nc, CONVERSATIONS_BUCKET, opts.replicas)
  return openProjector(log, store, conversationsProjection(log), opts)
}

/** The burn-erase reactor as Seqline runs it (not started). */
export async function openBurnEraser(
  nc: NatsConnection,
  log: EventLog,
  opts: RunnerOptions & { replicas?: number; name?: string } = {},
): Promise<ProcessorRunner<null>> {
  return new ProcessorRunner(log, await burnEraser(nc, log, opts.name ?? BURN_ERASER, opts.replicas), opts)
}
