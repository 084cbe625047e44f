import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../../core/log/index.js'
import { ProjectionRunner, type RunnerOptions } from '../runtime/runner.js'
import { ViewStore } from '../runtime/view-store.js'
import { conversationsProjection } from './apply.js'
import { CONVERSATIONS_BUCKET } from './views.js'

/** The conversations projection as Seqline runs it: its bucket, its name, its runner (not started). */
export async function openConversationsRunner(nc: NatsConnection, log: EventLog, opts: RunnerOptions = {}): Promise<ProjectionRunner> {
  const store = await ViewStore.open(nc, CONVERSATIONS_BUCKET, opts.replicas)
  return ProjectionRunner.create(log, store, conversationsProjection(log), opts)
}
