// REST send in the shape of an autocannon run: C keep-alive connections, each
// sending its next POST /v1/conversations/:conv/messages as soon as the
// previous one was answered, over 100 group conversations (the sender a member
// of each). Reports requests per second, latency and the server's CPU per request.
import { Agent, request } from 'node:http'
import { cpuSecondsOf, writeSyscallsOf } from '../shared/process-usage.js'
import { percentiles } from '../shared/stats.js'
import type { ConvPlan } from '../websocket/topology.js'
import { monotonicUs } from './profile-top.js'

export interface RestRun {
  connections: number
  conversations: number
  seconds: number
  requestsPerSecond: number
  latency: { p50: number; p99: number; p999: number; max: number }
  /** Answers other than 200, by status. */
  failed: Record<string, number>
  apiCpuMsPerRequest: number
  natsCpuMsPerRequest: number
  /** Write syscalls of the Seqline process (to clients and to NATS alike) per request. */
  apiWritesPerRequest: number
  /** When the sends ran, on the monotonic clock of --cpu-prof's sample stamps (µs): to cut a profile to this step. */
  window: { fromUs: number; toUs: number }
}

const TEXT = 'x'.repeat(100)
const REQUEST_TIMEOUT_MS = 30_000

export async function restSend(
  url: string,
  convs: ConvPlan[],
  tokenOf: (user: number) => string,
  opts: { connections: number; seconds: number; apiPid: number; natsPid?: number; prefix: string },
): Promise<RestRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections })
  const { hostname, port } = new URL(url)
  const latencies: number[] = []
  const failed: Record<string, number> = {}
  const apiBefore = await cpuSecondsOf(opts.apiPid)
  const natsBefore = await cpuSecondsOf(opts.natsPid)
  const writesBefore = await writeSyscallsOf(opts.apiPid)
  const fromUs = monotonicUs()
  const start = performance.now()
  const end = start + opts.seconds * 1000
  const worker = async (w: number) => {
    for (let k = 0; performance.now() < end; k++) {
      const plan = convs[(w + k * opts.connections) % convs.length]!
      const sender = plan.members[(w + k) % plan.members.length]!
      const body = JSON.stringify({ id: `${opts.prefix}${w}_${k}`, content: { type: 'text', text: TEXT } })
      const t = performance.now()
      const status = await post(agent, hostname, Number(port), `/v1/conversations/${plan.conv}/messages`, tokenOf(sender), body)
      if (status === 200) latencies.push(performance.now() - t)
      else failed[status] = (failed[status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: opts.connections }, (_, w) => worker(w)))
  const seconds = (performance.now() - start) / 1000
  const toUs = monotonicUs()
  const writes = (await writeSyscallsOf(opts.apiPid)) - writesBefore
  const apiCpu = ((await cpuSecondsOf(opts.apiPid)) ?? NaN) - (apiBefore ?? NaN)
  const natsCpu = ((await cpuSecondsOf(opts.natsPid)) ?? NaN) - (natsBefore ?? NaN)
  agent.destroy()
  const n = latencies.length
  return {
    connections: opts.connections,
    conversations: convs.length,
    seconds,
    requestsPerSecond: n / seconds,
    latency: percentiles(latencies),
    failed,
    apiCpuMsPerRequest: (apiCpu * 1000) / n,
    natsCpuMsPerRequest: (natsCpu * 1000) / n,
    apiWritesPerRequest: writes / n,
    window: { fromUs, toUs },
  }
}

/** One POST; resolves with its status (0 when the connection failed), never rejects. */
function post(agent: Agent, hostname: string, port: number, path: string, token: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        hostname,
        port,
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', () => resolve(0))
      },
    )
    req.on('error', () => resolve(0))
    // A request the server never answers fails the run's figures, not the run: it is counted and dropped.
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy())
    req.end(body)
  })
}
