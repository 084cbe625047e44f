// The delivery proof's checker, independent of Seqline's own read paths: it
// reads every partition stream of the log straight from JetStream (an
// ephemeral consumer per stream, raw JSON bodies) and compares the log with
// what every client was told (acks, refusals) and what every client received.
// It relies on membership being static in the workload.
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'

interface LoggedEvent {
  conv: string
  seq: number
  actor: string
  cmd: string
  type: string
}

export interface SendRecord {
  user: string
  conv: string
  /** The idempotency id, the same on every attempt. */
  id: string
  /** acked: the server returned a seq; refused: it answered with an error code; failed: neither, before the run ended. */
  outcome: 'acked' | 'refused' | 'failed'
  seq?: number
  code?: string
  /** The refusal the workload expects (it sends to groups the user is not in on purpose), if any. */
  expectRefusal?: string
  attempts: number
}

/** What one user's clients delivered, per conversation, in delivery order: seqs and a hash of each event's command id (compact for full-size runs). */
export type Received = Map<string, { seqs: number[]; cmds: number[] }>

/** FNV-1a of a command id, as the received record keeps it. */
export function cmdHash(cmd: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < cmd.length; i++) {
    h ^= cmd.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export interface CheckInput {
  nc: NatsConnection
  streamPrefix: string
  partitions: number
  /** Every conversation of the workload and its (static) members. */
  members: Map<string, string[]>
  sends: SendRecord[]
  received: Map<string, Received>
}

export interface CheckResult {
  problems: string[]
  events: number
  acked: number
  refused: number
  failed: number
  /** (member, event) pairs compared. */
  deliveries: number
}

/** Every event stored in the log, per conversation in stream order. */
async function readWholeLog(nc: NatsConnection, streamPrefix: string, partitions: number): Promise<Map<string, LoggedEvent[]>> {
  const jsm = await jetstreamManager(nc)
  const js = jetstream(nc)
  const out = new Map<string, LoggedEvent[]>()
  const decoder = new TextDecoder()
  for (let p = 0; p < partitions; p++) {
    const stream = `${streamPrefix}_${p}`
    const { state } = await jsm.streams.info(stream)
    if (state.messages === 0) continue
    const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All, inactive_threshold: 30_000 })
    try {
      let last = 0
      while (last < state.last_seq) {
        const batch = await consumer.fetch({ max_messages: 500, expires: 2000 })
        let got = 0
        for await (const m of batch) {
          got++
          last = m.seq
          const e = JSON.parse(decoder.decode(m.data)) as LoggedEvent
          const list = out.get(e.conv) ?? []
          list.push({ conv: e.conv, seq: e.seq, actor: e.actor, cmd: e.cmd, type: e.type })
          out.set(e.conv, list)
          if (m.info.pending === 0) break
        }
        if (got === 0) break
      }
    } finally {
      await consumer.delete().catch(() => undefined)
    }
  }
  return out
}

export async function checkDelivery(input: CheckInput): Promise<CheckResult> {
  const log = await readWholeLog(input.nc, input.streamPrefix, input.partitions)
  const problems: string[] = []
  const problem = (s: string) => {
    if (problems.length < 50) problems.push(s)
    else if (problems.length === 50) problems.push('... (more problems left out)')
  }
  let events = 0

  // 1. Dense seqs, each command id once per conversation.
  const byCommand = new Map<string, LoggedEvent[]>()
  for (const [conv, list] of log) {
    events += list.length
    list.forEach((e, i) => {
      if (e.seq !== i + 1) problem(`${conv}: stored event #${i + 1} has seq ${e.seq} (gap or duplicate seq)`)
      const key = `${e.actor}/${e.cmd}`
      const same = byCommand.get(key) ?? []
      same.push(e)
      byCommand.set(key, same)
    })
    if (!input.members.has(conv)) problem(`${conv}: in the log but not in the workload`)
  }
  for (const [key, list] of byCommand)
    if (list.length > 1) problem(`command ${key} stored ${list.length} times: ${list.map((e) => `${e.conv}@${e.seq}`).join(', ')}`)

  // 2. Every acked send stored once, at its acked seq; refused and failed ones nowhere.
  let acked = 0
  let refused = 0
  let failed = 0
  const refusedKeys = new Set<string>()
  const sent = new Set<string>()
  for (const s of input.sends) {
    const key = `${s.user}/${s.id}`
    sent.add(key)
    const stored = byCommand.get(key) ?? []
    if (s.outcome === 'acked') {
      acked++
      if (stored.length !== 1) problem(`send ${key} acked at ${s.conv}@${s.seq} but stored ${stored.length} times`)
      else if (stored[0]!.conv !== s.conv || stored[0]!.seq !== s.seq)
        problem(`send ${key} acked at ${s.conv}@${s.seq} but stored at ${stored[0]!.conv}@${stored[0]!.seq}`)
      if (s.expectRefusal) problem(`send ${key} to ${s.conv} should have been refused with ${s.expectRefusal} but was acked`)
    } else {
      if (s.outcome === 'refused') refused++
      else failed++
      refusedKeys.add(key)
      if (stored.length > 0) problem(`send ${key} ${s.outcome} (${s.code ?? 'no code'}) but stored at ${stored.map((e) => `${e.conv}@${e.seq}`).join(', ')}`)
      if (s.outcome === 'refused' && s.expectRefusal && s.code !== s.expectRefusal) problem(`send ${key} refused with ${s.code}, expected ${s.expectRefusal}`)
      if (s.outcome === 'refused' && !s.expectRefusal) problem(`send ${key} to ${s.conv} refused with ${s.code}, which the workload does not expect`)
    }
  }
  // No message in the log that no client sent (setup events excepted: they are not message.sent).
  for (const [key, list] of byCommand)
    if (list[0]!.type === 'message.sent' && !sent.has(key)) problem(`message ${key} stored at ${list[0]!.conv}@${list[0]!.seq} but never sent by the workload`)

  // 3. Every member received every event of its conversations exactly once, in seq order; nobody else anything.
  // (A refused send cannot be delivered without being in the log, which 2 rules out, nor anything the log lacks: deliveries are compared with it.)
  let deliveries = 0
  for (const [conv, members] of input.members) {
    const list = log.get(conv) ?? []
    for (const user of members) {
      const got = input.received.get(user)?.get(conv) ?? { seqs: [], cmds: [] }
      deliveries += list.length
      let shown = 0
      const complain = (s: string) => shown++ < 3 && problem(s)
      if (got.seqs.length !== list.length) complain(`${user} received ${got.seqs.length} events of ${conv}, the log holds ${list.length}`)
      const n = Math.max(got.seqs.length, list.length)
      for (let i = 0; i < n; i++) {
        const e = list[i]
        if (i >= got.seqs.length) {
          complain(`${user} never received ${conv}@${e!.seq} (${e!.actor}/${e!.cmd})`)
          break
        }
        if (!e) {
          complain(`${user} received ${conv}@${got.seqs[i]} beyond the log's head`)
          continue
        }
        if (got.seqs[i] !== e.seq || got.cmds[i] !== cmdHash(e.cmd))
          complain(
            `${user}'s delivery #${i + 1} of ${conv} is seq ${got.seqs[i]}, the log has seq ${e.seq} (${e.actor}/${e.cmd}) there (lost, duplicated, out of order or different)`,
          )
      }
    }
  }
  for (const [user, convs] of input.received) {
    for (const [conv, got] of convs) {
      if (!input.members.has(conv)) problem(`${user} received ${got.seqs.length} events of ${conv}, which is not in the workload`)
      else if (got.seqs.length > 0 && !input.members.get(conv)!.includes(user))
        problem(`${user} is not a member of ${conv} but received ${got.seqs.length} of its events`)
    }
  }
  return { problems, events, acked, refused, failed, deliveries }
}
