import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { until } from '../../core/index.js'
import type { HistorySink } from '../../projections/history/index.js'
import { HistoryDb } from '../../projections/history/index.js'
import { startTestClickHouse } from './clickhouse.js'

export type BackendName = 'chdb' | 'server'

export interface HistoryBackend {
  name: BackendName
  /** Opens a fresh database of its own on this backend (each test gets one). */
  open(database: string): Promise<HistoryDb>
}

/**
 * Registers before/after hooks giving the suite a real ClickHouse: embedded
 * chDB in a temporary directory (one per test process, as chDB allows), or a
 * real server started for the suite.
 */
export function withHistoryBackend(name: BackendName): HistoryBackend {
  const opened: HistoryDb[] = []
  let dir = ''
  let url = ''
  let stopServer: () => Promise<unknown> = async () => undefined
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seqline-history-'))
    if (name !== 'server') return
    const server = await startTestClickHouse()
    url = server.url
    stopServer = () => server.cleanup()
  })
  after(async () => {
    for (const db of opened) await db.close().catch(() => undefined)
    await stopServer()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    name,
    async open(database) {
      const db = await HistoryDb.open(name === 'server' ? { url, database } : { database, chdbPath: join(dir, 'chdb') })
      opened.push(db)
      return db
    },
  }
}

/** Waits until the sink has written everything in the log. */
export async function sinkCaughtUp(sink: HistorySink, timeoutMs = 30_000): Promise<void> {
  const written = async () => {
    if (sink.error) throw sink.error
    await sink.flush()
    return (await sink.lag()).events === 0 ? true : undefined
  }
  await until(written, {
    timeoutMs,
    everyMs: 20,
    timedOut: async () => new Error(`history sink still ${(await sink.lag()).events} events behind after ${timeoutMs} ms`),
  })
}
