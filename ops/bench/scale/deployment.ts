// The processes of the scale-out benchmark: `seqline up` in its roles, as an
// operator runs them apart, on one nats-server and one ClickHouse server.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { LiveDelivery, Role } from '../../../schemas/index.js'
import { type SeqlineProcess, type SpawnOptions, startSeqline } from '../../servers/seqline-process.js'

interface Secrets {
  serviceToken: string
  jwtSecret: string
}

export interface Deployment {
  natsUrl: string
  clickhouseUrl: string
  partitions: number
  dir: string
  secrets: Secrets
  live: LiveDelivery
}

/** The deployment a benchmark's options describe, with fresh secrets, its roles keeping history in `clickhouseUrl`. */
export function deploymentOf(o: Pick<Deployment, 'natsUrl' | 'partitions' | 'dir' | 'live'>, clickhouseUrl: string): Deployment {
  const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
  return { natsUrl: o.natsUrl, clickhouseUrl, partitions: o.partitions, dir: o.dir, secrets, live: o.live }
}

/** One `seqline up --role <role>` (as SEQLINE_ROLE), listening on a free port; `spawn` for a profile or another build. */
export function startRole(d: Deployment, role: Role, name: string, spawn?: SpawnOptions): Promise<SeqlineProcess> {
  return startSeqline(
    {
      SEQLINE_ROLE: role,
      SEQLINE_NATS_URL: d.natsUrl,
      SEQLINE_CLICKHOUSE_URL: d.clickhouseUrl,
      SEQLINE_PARTITIONS: String(d.partitions),
      SEQLINE_API_HOST: '127.0.0.1',
      SEQLINE_API_PORT: '0',
      SEQLINE_DATA_DIR: join(d.dir, name),
      SEQLINE_SERVICE_TOKEN: d.secrets.serviceToken,
      SEQLINE_JWT_SECRET: d.secrets.jwtSecret,
      // The load is the benchmark's, not an abuse: no per-user limit in the way.
      SEQLINE_RATE_LIMIT_PER_MINUTE: '100000000',
      SEQLINE_LOG_LEVEL: 'warn',
      SEQLINE_LIVE_DELIVERY: d.live,
    },
    undefined,
    spawn,
  )
}
