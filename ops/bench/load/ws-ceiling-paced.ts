// The transport's ceiling in the load's own shape: the trivial `ws` server of
// ws-ceiling-server.ts, the same sockets in the same rooms as the load (500
// direct pairs and 100 groups of 10 for 1,000 users), frames the size of
// Seqline's event frames, sent at each of the load's paced rates by the same
// senders to the same conversations. Its CPU per frame at a rate is what the
// kernel and `ws` cost for that pace (writes to receivers that sleep between
// frames), so Seqline's CPU per delivery can be read against it, not against
// a closed loop at saturation.
import { once } from 'node:events'
import { WebSocket } from 'ws'
import { paced } from '../shared/pace.js'
import { cpuSecondsOf } from '../shared/process-usage.js'
import { percentiles } from '../shared/stats.js'
import { targetOf } from '../websocket/load.js'
import { convsOf, topology } from '../websocket/topology.js'
import { ceilingServer } from './ws-ceiling.js'

interface PacedCeilingStep {
  rate: number
  msgsPerSecond: number
  framesPerSecond: number
  /** The server process's CPU per frame written, µs, and its share of one core. */
  serverCpuUsPerFrame: number
  serverCpuPercent: number
  /** Send→arrival at each member's socket, ms. */
  latency: ReturnType<typeof percentiles>
  /** Frames owed (every member of the message's room, the sender included) that did not arrive. */
  missing: number
}

export interface PacedCeiling {
  clients: number
  frameBytes: number
  seconds: number
  steps: PacedCeilingStep[]
}

const CONNECT_BATCH = 100
const DRAIN_TIMEOUT_MS = 5_000
const DRAIN_POLL_MS = 20
/** Sends in flight: every send completes at once here, so this only bounds a burst. */
const WINDOW = 100_000
const BAR = 0x7c
const WARMUP_SECONDS = 2

/** @param frameBytes size of each frame, as Seqline's event frames measured in the same run */
export async function wsPacedCeiling(clients: number, groupSize: number, rates: number[], seconds: number, frameBytes: number): Promise<PacedCeiling> {
  const t = topology(clients, groupSize, 2)
  const room = new Map(t.convs.map((c, i) => [c.conv, String(i)]))
  const server = await ceilingServer()
  const sockets: WebSocket[] = []
  try {
    for (let first = 0; first < clients; first += CONNECT_BATCH) {
      const batch: WebSocket[] = []
      for (let u = first; u < Math.min(clients, first + CONNECT_BATCH); u++) {
        const rooms = convsOf(t, u).map((c) => `room=${room.get(c.conv)}`)
        batch.push(new WebSocket(`ws://127.0.0.1:${server.port}/?${rooms.join('&')}`, { perMessageDeflate: false }))
      }
      await Promise.all(batch.map((s) => once(s, 'open')))
      sockets.push(...batch)
    }
    let arrived = 0
    let latencies: number[] = []
    for (const s of sockets)
      s.on('message', (data: Buffer) => {
        arrived++
        // The send time sits between the room and the padding: `room|t|xxx…`.
        const from = data.indexOf(BAR) + 1
        latencies.push(performance.now() - Number(data.toString('latin1', from, data.indexOf(BAR, from))))
      })
    /** Sends at `rate` for `secs`, then waits for every frame owed; what it took. */
    const drive = async (rate: number, secs: number) => {
      const arrivedBefore = arrived
      let owed = 0
      const run = await paced(rate, secs, WINDOW, async (i) => {
        const sender = i % clients
        const plan = targetOf(t, sender, Math.floor(i / clients))
        owed += plan.members.length
        sockets[sender]!.send(frame(room.get(plan.conv)!, frameBytes))
      })
      const drainStart = performance.now()
      while (arrived - arrivedBefore < owed && performance.now() - drainStart < DRAIN_TIMEOUT_MS) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS))
      const frames = arrived - arrivedBefore
      return { run, frames, owed, wall: run.seconds + (performance.now() - drainStart) / 1000 }
    }
    // Untimed, as the load warms Seqline up: JIT says nothing of the steady state.
    await drive(rates[0] ?? 1000, WARMUP_SECONDS)
    const steps: PacedCeilingStep[] = []
    for (const rate of rates) {
      latencies = []
      const cpuBefore = await cpuSecondsOf(server.pid)
      const { run, frames, owed, wall } = await drive(rate, seconds)
      const cpu = ((await cpuSecondsOf(server.pid)) ?? NaN) - (cpuBefore ?? NaN)
      steps.push({
        rate,
        msgsPerSecond: run.issued / run.seconds,
        framesPerSecond: frames / wall,
        serverCpuUsPerFrame: (cpu * 1e6) / frames,
        serverCpuPercent: (cpu / wall) * 100,
        latency: percentiles(latencies),
        missing: owed - frames,
      })
    }
    return { clients, frameBytes, seconds, steps }
  } finally {
    for (const s of sockets) s.terminate()
    await server.stop()
  }
}

/** `room|sendTime|` padded with x to `bytes`. */
function frame(room: string, bytes: number): string {
  const head = `${room}|${performance.now().toFixed(3)}|`
  return head + 'x'.repeat(Math.max(0, bytes - head.length))
}
