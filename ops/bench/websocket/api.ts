// The API as `npm start` runs it — the command handler, the views and the
// REST + WebSocket API on a free port — over a benchmark's own log and bucket,
// in whichever process calls this. The projection that fills the views runs
// beside it or in a process of its own (projection.ts).
// Rate limits are lifted: the benchmark sets the load itself, and a 429 would
// measure the limiter.
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { Tokens, UserDirectory } from '../../../api/auth/index.js'
import { startApi } from '../../../api/index.js'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import type { EventLog } from '../../../core/log/index.js'
import { ConversationViews } from '../../../projections/conversations/index.js'
import { type Lag, lagBehind } from '../../../projections/runtime/lag.js'

export interface Secrets {
  serviceToken: string
  jwtSecret: string
}

export interface BenchApi {
  url: string
  stop(): Promise<void>
}

const LIMITS = { bodyLimitBytes: 256 * 1024, rateLimitPerMinute: 10_000_000 }
/** The commit log stream every projection shares (see projections/runtime/commit-log.ts). */
const COMMITS_STREAM = 'SEQLINE_VIEW_COMMITS'

/** The API; `projectionLag` is the projection's own when it runs in this process. */
export async function startBenchApi(
  nc: NatsConnection,
  log: EventLog,
  bucket: string,
  secrets: Secrets,
  projectionLag?: () => Promise<Lag>,
): Promise<BenchApi> {
  const views = await ConversationViews.open(nc, bucket, bucket)
  const users = await UserDirectory.open(nc, usersBucket(bucket))
  const tokens = new Tokens(secrets)
  // Without the projection here, the lag is read from the views' committed reach, as `seqline up` does in every process.
  const lag = projectionLag ?? (async () => lagBehind(log, (await views.reach()) ?? {}))
  // Warnings and errors to stderr: in a child process stdout carries the READY/usage protocol (child.ts), which a log line would break.
  const logging = { level: 'warn' as const, stream: process.stderr }
  const deps = { log, nc, handler: new CommandHandler(log, createDecider()), views, tokens, users, limits: LIMITS, projectionLag: lag, logging }
  const api = await startApi(deps, '127.0.0.1', 0)
  return { url: api.url, stop: () => api.close() }
}

/** Deletes the views, user directory and commits of a bucket (after the API and projection using it have stopped). */
export async function dropBenchViews(nc: NatsConnection, bucket: string): Promise<void> {
  const jsm = await jetstreamManager(nc)
  for (const stream of [`KV_${bucket}`, `KV_${usersBucket(bucket)}`]) await jsm.streams.delete(stream).catch(() => undefined)
  await jsm.streams.purge(COMMITS_STREAM, { filter: `seqline.view.${bucket}.>` }).catch(() => undefined)
}

const usersBucket = (bucket: string) => `${bucket}_users`
