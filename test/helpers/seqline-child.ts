import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RunningNats, startNatsServer } from '../../ops/servers/index.js'
import { type SeqlineProcess, startSeqline } from '../../ops/servers/seqline-process.js'

/** A nats-server of its own and Seqline as a child process beside it, in a temp dir: for tests that kill or restart Seqline. */
export interface SeqlineBeside {
  dir: string
  nats: RunningNats
  /** The running child; replaced by restart(). */
  seqline: SeqlineProcess
  /** The child's environment (its secrets, the nats URL, a data dir in `dir`). */
  env: Record<string, string>
  secrets: { serviceToken: string; jwtSecret: string }
  /** Starts Seqline again with the same environment (after a stop or a kill). */
  restart(): Promise<SeqlineProcess>
  /** Stops Seqline and nats-server and removes the temp dir. */
  stop(): Promise<void>
}

export async function startSeqlineBeside(name: string, extraEnv: Record<string, string> = {}): Promise<SeqlineBeside> {
  const dir = await mkdtemp(join(tmpdir(), `seqline-${name}-`))
  const nats = await startNatsServer({ storeDir: join(dir, 'nats-store') })
  const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
  const env = {
    SEQLINE_NATS_URL: nats.url,
    SEQLINE_API_HOST: '127.0.0.1',
    SEQLINE_API_PORT: '0',
    // History (chDB) lives apart from the nats store.
    SEQLINE_DATA_DIR: join(dir, 'seqline-data'),
    SEQLINE_SERVICE_TOKEN: secrets.serviceToken,
    SEQLINE_JWT_SECRET: secrets.jwtSecret,
    SEQLINE_RATE_LIMIT_PER_MINUTE: '10000000',
    ...extraEnv,
  }
  const running: SeqlineBeside = {
    dir,
    nats,
    seqline: await startSeqline(env),
    env,
    secrets,
    async restart() {
      running.seqline = await startSeqline(env)
      return running.seqline
    },
    async stop() {
      await running.seqline.stop()
      await nats.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return running
}
