// `seqline rebuild conversations` (and `npm run rebuild`): drops the views and
// replays the whole log into them. Run it while Seqline is stopped: two runners
// of one projection would write the same records.
import { setTimeout as sleep } from 'node:timers/promises'
import { openLog } from '../open-log.js'
import { openConversationsRunner } from '../../projections/conversations/open.js'
import type { Config } from '../../schemas/config.js'
import { connectNats } from '../nats-connection.js'

export async function rebuild(config: Config): Promise<void> {
  const { nc, close } = await connectNats(config, 'seqline-rebuild')
  const log = await openLog(nc, config)
  const runner = await openConversationsRunner(log, { replicas: config.replicas, flushEvery: 10_000, flushIntervalMs: 500 })
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
