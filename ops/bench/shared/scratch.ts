// Scratch logs and projections for one benchmark section. A projection
// follows its whole log from the first event, so each section writes to a log
// of its own (or it would replay, and time, the others' events), and every
// name carries the run id so a run against a long-lived server (--url) starts
// from nothing as well. Everything is deleted afterwards.
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type EventLog, type JetStreamLog, openJetStreamLog } from '../../../core/log/index.js'
import { conversationsProjection } from '../../../projections/conversations/index.js'
import type { ProcessorRunner } from '../../../projections/runtime/index.js'
import { openProjector, type ProjectorOptions, ViewStore } from '../../../projections/runtime/index.js'

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** The commit log stream every projection shares (see projections/runtime/commit-log.ts). */
const COMMITS_STREAM = 'SEQLINE_VIEW_COMMITS'

/** A fresh log with its own partition streams; `section` must be [a-z0-9]. */
export function scratchLog(nc: NatsConnection, section: string, partitions: number): Promise<JetStreamLog> {
  return openJetStreamLog(nc, { names: { partitions, streamPrefix: `BENCHP_${RUN}_${section}`, subjectPrefix: `benchp.${RUN}.${section}` } })
}

export async function dropLog(nc: NatsConnection, log: EventLog): Promise<void> {
  log.close()
  const jsm = await jetstreamManager(nc)
  for (let p = 0; p < log.partitions; p++) await jsm.streams.delete(log.streamOfPartition(p)).catch(() => undefined)
}

export interface ScratchProjection {
  runner: ProcessorRunner
  /** KV bucket of the views; also the projection's name. */
  bucket: string
  /** Stops the runner (committing what it applied), closes it, deletes its views and commits. */
  drop(): Promise<void>
}

/** The conversations projection on a fresh bucket under a fresh name, not started. */
export async function scratchProjection(nc: NatsConnection, log: EventLog, section: string, opts: ProjectorOptions = {}): Promise<ScratchProjection> {
  const bucket = `bench_${RUN}_${section}`
  const store = await ViewStore.open(nc, bucket)
  const runner = await openProjector(log, store, conversationsProjection(log, bucket), opts)
  return {
    runner,
    bucket,
    async drop() {
      try {
        await runner.stop()
      } finally {
        runner.close()
        const jsm = await jetstreamManager(nc)
        await jsm.streams.delete(`KV_${bucket}`).catch(() => undefined)
        await jsm.streams.purge(COMMITS_STREAM, { filter: `seqline.view.${bucket}.>` }).catch(() => undefined)
      }
    },
  }
}
