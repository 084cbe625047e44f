// Where the WebSocket benchmark's server side runs. The API: inline, in the
// benchmark process beside its clients (as one `npm start` process serves
// everyone), or in a child process of its own, so clients and server do not
// share an event loop and the server's CPU can be told apart from the clients'.
// The projection: in the API's process (as `npm start` runs it), or in a child
// process of its own, so the API's CPU can be told apart from the projection's.
import type { NatsConnection } from '@nats-io/transport-node'
import type { JetStreamLog } from '../../../core/log/index.js'
import { dropBenchViews, type Secrets } from './api.js'
import type { ChildUsage } from './api-process.js'
import { startChild } from './child.js'
import { type ServerRole, startBenchServer } from './server.js'

export type ApiPlacement = 'inline' | 'child'
export type ProjectionPlacement = 'same' | 'child'

export interface WsStack {
  placement: ApiPlacement
  projection: ProjectionPlacement
  url: string
  /** Until the views reflect the whole log, asked of the process that runs the projection. */
  settle(): Promise<void>
  /** The API process's own usage when it is not this process. */
  usage(): Promise<ChildUsage | undefined>
  /** The same after a full garbage collection in the API process. */
  collected(): Promise<ChildUsage | undefined>
  /** The projection process's usage when it has one of its own. */
  projectionUsage(): Promise<ChildUsage | undefined>
  /** The API process's pid (this one's when inline). */
  pid: number
  /** Stops the API and the projection and deletes their views. */
  stop(): Promise<void>
}

/** One process of the server side, as the stack drives it. */
interface Side {
  url: string
  pid: number
  settle(): Promise<void>
  usage(): Promise<ChildUsage | undefined>
  collected(): Promise<ChildUsage | undefined>
  stop(): Promise<void>
}

export async function startStack(
  placement: { api: ApiPlacement; projection: ProjectionPlacement },
  nc: NatsConnection,
  log: JetStreamLog,
  servers: string,
  bucket: string,
  secrets: Secrets,
): Promise<WsStack> {
  const start = (role: ServerRole): Promise<Side> =>
    role !== 'projection' && placement.api === 'inline'
      ? inlineSide(role, nc, log, bucket, secrets)
      : startChild({ role, servers, names: log.names, bucket, secrets })
  // The projection first, so that one process at a time lays out the views' bucket.
  const projection = placement.projection === 'child' ? await start('projection') : undefined
  let api: Side
  try {
    api = await start(projection ? 'api' : 'all')
  } catch (err) {
    await stopBoth(undefined, projection, nc, bucket)
    throw err
  }
  return {
    placement: placement.api,
    projection: placement.projection,
    url: api.url,
    // An API without the projection would answer at once; the projection's process is the one that waits.
    settle: () => (projection ?? api).settle(),
    usage: () => api.usage(),
    collected: () => api.collected(),
    projectionUsage: async () => projection?.usage(),
    pid: api.pid,
    stop: () => stopBoth(api, projection, nc, bucket),
  }
}

async function inlineSide(role: ServerRole, nc: NatsConnection, log: JetStreamLog, bucket: string, secrets: Secrets): Promise<Side> {
  const server = await startBenchServer(role, nc, log, bucket, secrets)
  // This process's usage is the benchmark's own, sampled there.
  return { ...server, pid: process.pid, usage: async () => undefined, collected: async () => undefined }
}

/** The API before the projection it reads from; the views go whatever happened. */
async function stopBoth(api: Side | undefined, projection: Side | undefined, nc: NatsConnection, bucket: string): Promise<void> {
  try {
    await api?.stop()
  } finally {
    try {
      await projection?.stop()
    } finally {
      await dropBenchViews(nc, bucket)
    }
  }
}
