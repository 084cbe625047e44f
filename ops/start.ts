// `npm start`: Seqline with its embedded defaults. Starts a local nats-server
// (unless SEQLINE_NATS_URL names one), lays out the event log, runs the
// conversations projection and the burn executor, until SIGINT/SIGTERM.
// The API joins this process when it is built.
import { CommandHandler } from '../core/commands/command-handler.js'
import { EventLog } from '../core/log/event-log.js'
import { BurnExecutor } from '../projections/conversations/burn-executor.js'
import { openConversationsRunner } from '../projections/conversations/open.js'
import { ConversationViews } from '../projections/conversations/views.js'
import { ConfigError, loadConfig } from './config.js'
import { connectNats } from './nats-connection.js'

async function main() {
  const config = loadConfig()
  const { nc, url, local, close } = await connectNats(config, 'seqline')
  const log = await EventLog.open(nc, {
    names: { partitions: config.partitions },
    replicas: config.replicas,
    duplicateWindowMs: config.duplicateWindowMs,
  })
  const runner = await openConversationsRunner(log, { replicas: config.replicas })
  await runner.start()
  const views = await ConversationViews.open(nc)
  const burns = new BurnExecutor(views, new CommandHandler(log))
  burns.start()
  const lag = await runner.lag()
  console.log(`Seqline is up.
  NATS         ${url}${local ? ` (local nats-server, store in ${local.storeDir})` : ''}
  log          ${config.partitions} partition streams ${log.streamOfPartition(0)}..${log.streamOfPartition(config.partitions - 1)}, ${config.replicas} replica(s)
  projection   conversations → KV bucket ${views.bucket} (${lag.events} events to catch up)
  burns        executor running
Ctrl-C stops it.`)
  await untilSignal()
  await burns.stop()
  await runner.stop()
  runner.close()
  log.close()
  await close()
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done())
    process.once('SIGTERM', () => done())
  })
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(1)
})
