// `seqline rebuild conversations` (and `npm run rebuild`) and `seqline rebuild
// history`: drop a projection and replay the whole log into it. Run it while
// Seqline is stopped: two runners of one projection would write the same records.
import { setTimeout as sleep } from 'node:timers/promises'
import { openConversationsProjector } from '../../projections/conversations/index.js'
import { HistorySink } from '../../projections/history/index.js'
import type { Config } from '../../schemas/index.js'
import { connectNats } from '../nats-connection.js'
import { describeHistory, openHistory } from '../open-history.js'
import { openLog } from '../open-log.js'

export async function rebuild(config: Config): Promise<void> {
  const { nc, close } = await connectNats(config, 'seqline-rebuild')
  const log = await openLog(nc, config)
  const runner = await openConversationsProjector(nc, log, { replicas: config.replicas, flushEvery: 10_000, flushIntervalMs: 500 })
  const started = Date.now()
  await runner.rebuild()
  for (let lag = await runner.lag(); lag.events > 0; lag = await runner.lag()) {
    if (runner.error) throw runner.error
    process.stdout.write(`\r${lag.events} events to go   `)
    await sleep(500)
  }
  await runner.stop()
  runner.close()
  log.close()
  await close()
  console.log(`\nconversations rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

export async function rebuildHistory(config: Config): Promise<void> {
  const { nc, close } = await connectNats(config, 'seqline-rebuild')
  const log = await openLog(nc, config)
  const db = await openHistory(config)
  const sink = new HistorySink(log, db, { flushEvery: 20_000, flushIntervalMs: 500 })
  const started = Date.now()
  await sink.rebuild()
  for (let lag = await sink.lag(); lag.events > 0; lag = await sink.lag()) {
    if (sink.error) throw sink.error
    process.stdout.write(`\r${lag.events} events to go   `)
    await sleep(500)
  }
  await sink.stop()
  await db.close()
  log.close()
  await close()
  console.log(`\nhistory rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s (${describeHistory(db)})`)
}
