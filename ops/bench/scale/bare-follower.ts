// The ceilings beside the idle API process (`--only idle`): a process that
// only receives every event of the log and does nothing with it, run as a
// child so its CPU is read from /proc like the API's. `core`: one core NATS
// subscription to every log subject (what a republish-style subscription
// would cost at most); `ordered`: one nats.js ordered consumer per partition
// stream with a callback, as the log's follower takes them, handler empty.
// Usage: node bare-follower.js <natsUrl> core|ordered <partitions>; prints "ready" once following and
// "received <n>" when stopped (SIGTERM).
import { DeliverPolicy, jetstream } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { DEFAULT_NAMES, streamName } from '../../../core/log/index.js'

const [url, mode, partitions] = process.argv.slice(2)
const nc = await connect({ servers: url, noAsyncTraces: true })
const names = { ...DEFAULT_NAMES, partitions: Number(partitions) }
let received = 0
if (mode === 'core') {
  nc.subscribe(`${names.subjectPrefix}.>`, { callback: () => void received++ })
  await nc.flush()
} else {
  const js = jetstream(nc)
  for (let p = 0; p < names.partitions; p++) {
    const consumer = await js.consumers.get(streamName(names, p), { deliver_policy: DeliverPolicy.New })
    await consumer.consume({ max_messages: 1024, expires: 5_000, callback: () => void received++ })
  }
}
console.log('ready')
// What it received, so the benchmark can tell a ceiling that followed from one that did not.
process.on('SIGTERM', () => {
  console.log(`received ${received}`)
  void nc.close().then(() => process.exit(0))
})
