// `seqline up` (and `npm start`): Seqline with its embedded defaults, in one
// process (see ops/instance/compose.ts for what runs), until SIGINT/SIGTERM.
import type { Config } from '../../schemas/index.js'
import { compose } from '../instance/index.js'

export async function up(config: Config): Promise<void> {
  const seqline = await compose(config)
  console.log(`Seqline is up.\n${seqline.summary}\nCtrl-C stops it.`)
  await untilSignal()
  await seqline.stop()
}

/** The first signal starts an orderly stop; a second one exits at once (everything acknowledged is already in JetStream). */
function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.once('SIGINT', () => process.exit(130))
      process.once('SIGTERM', () => process.exit(143))
      done()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
