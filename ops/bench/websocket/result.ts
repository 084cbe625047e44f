// What the WebSocket benchmark takes and reports: its options, one load step
// and the whole result (the shape ws.json is written in and the proof reads).
import type { Usage } from '../shared/process-usage.js'
import type { Ceilings } from '../shared/publish-ceilings.js'
import type { percentiles } from '../shared/stats.js'
import type { Verdict } from './ledger.js'
import type { ApiPlacement, ProjectionPlacement } from './stack.js'

export interface WsOptions {
  /** NATS URL, for an API in a child process. */
  servers: string
  clients: number
  /** Target messages/s, all clients together; several: one load step at each, on the same connections. */
  rate: number
  rates?: number[]
  seconds: number
  groupSize: number
  /** Members of the fan-out group (the first users); all clients by default. */
  fanoutSize?: number
  /** Source addresses 127.0.0.1..K the client sockets are spread over (ephemeral ports are per address). */
  addresses?: number
  /** Untimed warm-up before the first step, s (later steps warm up for WARMUP_SECONDS); long enough for every client to send once. */
  warmupSeconds?: number
  partitions: number
  placement: ApiPlacement
  /** The conversations projection in the API's process, or in one of its own. */
  projection: ProjectionPlacement
  /** Messages and window of each publish-ceiling run. */
  ceilingMessages: number
  window: number
  /** nats-server's pid, when it is local: its CPU is read from /proc. */
  natsPid?: number
}

type Pct = ReturnType<typeof percentiles>

/** One load step: a paced rate on the connections already open. */
export interface WsStep {
  rate: number
  load: WsResult['load']
  usage: WsResult['usage']
  /** CPU of the API process per acked message, ms (every frame it caused; the projection too when it runs there). */
  apiCpuMsPerMessage?: number
  /** Acks and recipient deliveries per bin of binMs, from the step's first send. */
  series: { binMs: number; acks: number[]; deliveries: number[] }
  /** Latency at quantiles (for a CDF chart): q[i] → ackMs[i], deliveryMs[i]. */
  cdf: { q: number[]; ackMs: number[]; deliveryMs: number[] }
}

export interface WsResult {
  clients: number
  directs: number
  groups: number
  groupSize: number
  rate: number
  seconds: number
  placement: ApiPlacement
  projection: ProjectionPlacement
  ceilings: { before: Ceilings; after: Ceilings }
  load: {
    seconds: number
    drainSeconds: number
    ackedPerSecond: number
    recipientDeliveries: number
    deliveriesPerSecond: number
    ack: Pct
    delivery: Pct
    verdict: Verdict
  }
  steps: WsStep[]
  fanout: { members: number; lastMember: number[]; member: Pct; ack: Pct; verdict: Verdict; apiCpuMsPerShot?: number; benchCpuMsPerShot: number }
  /** Opening every socket, each authenticated and synced. */
  connect: { sockets: number; seconds: number; perSecond: number; addresses: number; fdLimit?: number }
  /** Memory at rest after full collections: the API with no socket, then with every socket idle. */
  idle: {
    apiRssNoneMb?: number
    apiRssIdleMb?: number
    apiHeapNoneMb?: number
    apiHeapIdleMb?: number
    rssKbPerConnection?: number
    heapKbPerConnection?: number
    benchRssNoneMb: number
    benchRssIdleMb: number
    natsRssMb?: number
  }
  warmup: { seconds: number; verdict: Verdict }
  wire: { rawEventFrames: number; emittedEvents: number; reconnects: number }
  usage: {
    bench: Usage
    apiCpuPercent?: number
    apiRssMb?: number
    apiMaxRssMb?: number
    apiLoopDelay?: Usage['loopDelay']
    /** The projection's process, when it has one of its own (--ws-projection child). */
    projectionCpuPercent?: number
    projectionRssMb?: number
    projectionMaxRssMb?: number
    natsCpuPercent?: number
    natsRssMb?: number
  }
  ok: boolean
}
