// `seqline rebuild conversations` (and `npm run rebuild`) and `seqline rebuild
// history`: drop a projection and replay the whole log into it. Run it while
// Seqline is stopped: two runners of one projection would write the same records.
import { setTimeout as sleep } from 'node:timers/promises'
import { openConversationsProjector } from '../../projections/conversations/index.js'
import { HistorySink } from '../../projections/history/index.js'
import { CommitLog, lagBehind } from '../../projections/runtime/index.js'
import type { Config } from '../../schemas/index.js'
import { connectNats } from '../nats-connection.js'
import { describeHistory, openHistory } from '../open-history.js'
import { openLog } from '../open-log.js'

export async function rebuild(config: Config): Promise<void> {
  const { nc, close } = await connectNats(config, 'seqline-rebuild')
  const log = await openLog(nc, config)
  const started = Date.now()
  // The projection runs in partition shares: one runner per partition here, each with its checkpoint, all reset first.
  const whole = await CommitLog.open(nc, 'conversations', config.replicas)
  await whole.reset()
  whole.close()
  const runners = await Promise.all(
    Array.from({ length: log.partitions }, (_, partition) =>
      openConversationsProjector(nc, log, { replicas: config.replicas, flushEvery: 10_000, flushIntervalMs: 500, partition }),
    ),
  )
  // Each reset clears the views too: all of them before any runner starts writing.
  for (const runner of runners) await runner.processor.commits?.reset()
  for (const runner of runners) await runner.start()
  const position = () => Object.assign({}, ...runners.map((r) => r.position))
  for (let lag = await lagBehind(log, position()); lag.events > 0; lag = await lagBehind(log, position())) {
    const failed = runners.find((r) => r.error)
    if (failed) throw failed.error
    process.stdout.write(`\r${lag.events} events to go   `)
    await sleep(500)
  }
  for (const runner of runners) {
    await runner.stop()
    runner.close()
  }
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
