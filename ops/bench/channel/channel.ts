// Channels: a post fanned out to N online subscribers over WebSocket (time
// to the last one), and the cost of a subscriber's read and of a view-count
// query at 1,000, 10,000 and 100,000 subscribers (flat in the subscriber
// count, O(log n) in the channel's length), beside the raw publish ceiling
// measured in the same run on a log of its own. The API serving the sockets
// runs in a child process: 10,000 sockets are 20,000 descriptors when both
// ends share a process, the open-file limit of these machines, and the
// clients' event loop would otherwise be the server's.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { NatsConnection } from '@nats-io/transport-node'
import { Tokens } from '../../../api/auth/index.js'
import { CommandHandler, type HandleResult } from '../../../core/commands/index.js'
import { createDecider, DEFAULT_POLICY } from '../../../core/domain/index.js'
import type { JetStreamLog } from '../../../core/log/index.js'
import { ConversationViews } from '../../../projections/conversations/index.js'
import { bareCeiling, type Ceiling } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog } from '../shared/scratch.js'
import { dropBenchViews } from '../websocket/api.js'
import { startChild } from '../websocket/child.js'
import { connectClients } from '../websocket/clients.js'
import { startBenchProjection } from '../websocket/projection.js'

export interface ChannelBenchOptions {
  /** The nats-server the API's child process connects to. */
  servers: string
  /** Subscribers online when the post goes out. */
  online: number
  /** Channel sizes the read and query costs are measured at. */
  sizes: number[]
  /** Reads and queries timed per size. */
  samples: number
  partitions: number
  ceilingMessages: number
  window: number
}

interface CountRow {
  subscribers: number
  /** Mean ms of one read through the command path (append), and of the projection applying it (views, view-count nodes). */
  readAppendMs: number
  readApplyMs: number
  /** Mean ms of one view-count query against the views. */
  queryMs: number
}

export interface ChannelBenchResult {
  ceiling: Ceiling
  fanout: { online: number; lastMs: number; medianMs: number; connectSeconds: number }
  counts: CountRow[]
}

const PER_INVITE = 1000
const RUN = Date.now().toString(36)

export async function channelBench(nc: NatsConnection, opts: ChannelBenchOptions): Promise<ChannelBenchResult> {
  await mustOpen(opts.online)
  const raw = await scratchLog(nc, 'chanraw', opts.partitions)
  const log = await scratchLog(nc, 'chan', opts.partitions)
  const bucket = `bench_${RUN}_chan`
  const projection = await startBenchProjection(nc, log, bucket)
  const handler = new CommandHandler(log, createDecider({ ...DEFAULT_POLICY, maxGroupMembers: 1_000_000, maxChannelMembers: 1_000_000 }))
  try {
    const ceiling = await bareCeiling(raw, opts.ceilingMessages, opts.window)
    const views = await ConversationViews.open(nc, bucket, bucket)
    const counts: CountRow[] = []
    for (const size of opts.sizes) counts.push(await countCosts(handler, projection, views, size, opts.samples))
    const fanout = await fanoutToOnline(opts.servers, log, handler, projection, bucket, opts.online)
    return { ceiling, fanout, counts }
  } finally {
    await projection.stop()
    await dropBenchViews(nc, bucket)
    await dropLog(nc, raw)
    await dropLog(nc, log)
  }
}

/** A channel owned by `owner` with `count` subscribers, made through the command path (invites of 1,000). */
async function channelOf(handler: CommandHandler, conv: string, owner: string, prefix: string, count: number): Promise<string[]> {
  must(await handler.execute({ type: 'channel.create', id: `create-${conv}`, conv, actor: owner, data: { name: conv } }))
  const users = Array.from({ length: count }, (_, i) => `${prefix}${i}`)
  const invites: Array<Promise<HandleResult>> = []
  for (let i = 0; i < users.length; i += PER_INVITE) {
    invites.push(handler.execute({ type: 'group.invite', id: `inv-${conv}-${i}`, conv, actor: owner, data: { users: users.slice(i, i + PER_INVITE) } }))
  }
  for (const r of await Promise.all(invites)) must(r)
  return users
}

async function countCosts(
  handler: CommandHandler,
  projection: Awaited<ReturnType<typeof startBenchProjection>>,
  views: ConversationViews,
  size: number,
  samples: number,
): Promise<CountRow> {
  const conv = `c_size${size}`
  const users = await channelOf(handler, conv, 'owner', `u${size}x`, size)
  // Some posts to read and count: the channel's length is the same at every size.
  let last = 0
  for (let i = 0; i < 100; i++)
    last = must(await handler.execute({ type: 'message.send', id: `p${i}`, conv, actor: 'owner', data: { content: { type: 'text', text: `post ${i}` } } })).seq
  await projection.settle()
  const readers = users.filter((_, i) => i % Math.max(1, Math.floor(size / samples)) === 0).slice(0, samples)
  let started = performance.now()
  for (const [i, user] of readers.entries()) {
    must(await handler.execute({ type: 'conversation.read', id: `r-${user}`, conv, actor: user, data: { upTo: last - (i % 100) } }))
  }
  const readAppendMs = (performance.now() - started) / readers.length
  started = performance.now()
  await projection.settle()
  const readApplyMs = (performance.now() - started) / readers.length
  started = performance.now()
  for (let i = 0; i < samples; i++) await views.views(conv, last - (i % 100))
  const queryMs = (performance.now() - started) / samples
  return { subscribers: size, readAppendMs, readApplyMs, queryMs }
}

async function fanoutToOnline(
  servers: string,
  log: JetStreamLog,
  handler: CommandHandler,
  projection: Awaited<ReturnType<typeof startBenchProjection>>,
  bucket: string,
  online: number,
): Promise<ChannelBenchResult['fanout']> {
  const conv = 'c_fanout'
  const users = await channelOf(handler, conv, 'owner', 'f', online)
  await projection.settle()
  const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
  const api = await startChild({ role: 'api', servers, names: log.names, bucket, secrets })
  const tokens = new Tokens(secrets)
  const head = (await log.head(conv)).seq
  const userTokens = await Promise.all(users.map(async (u) => (await tokens.mint(u, 3600)).token))
  const connecting = performance.now()
  const pool = await connectClients(api.url, userTokens, () => ({ [conv]: head }))
  const connectSeconds = (performance.now() - connecting) / 1000
  try {
    const arrivals: number[] = []
    const all = new Promise<void>((resolve) => {
      pool.onEvent = (_user, event, at) => {
        if (event.conv !== conv || event.type !== 'message.sent') return
        arrivals.push(at)
        if (arrivals.length === online) resolve()
      }
    })
    const sent = performance.now()
    must(await handler.execute({ type: 'message.send', id: 'fan-1', conv, actor: 'owner', data: { content: { type: 'text', text: 'to everyone online' } } }))
    await all
    const times = arrivals.map((t) => t - sent).sort((a, b) => a - b)
    return { online, lastMs: times.at(-1)!, medianMs: times[Math.floor(times.length / 2)]!, connectSeconds }
  } finally {
    pool.close()
    await api.stop()
  }
}

/** Each online subscriber's socket is one descriptor here (its other end is in the API's process): refuse a run the limit would break halfway. */
async function mustOpen(sockets: number): Promise<void> {
  const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '')
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Number.POSITIVE_INFINITY)
  const needed = sockets + 1000
  if (needed > soft)
    throw new Error(`--channel-online ${sockets} needs some ${needed} open files in one process; the limit is ${soft}: raise it (ulimit -n ${needed})`)
}

function must(r: HandleResult): Extract<HandleResult, { ok: true }> {
  if (!r.ok) throw new Error(`benchmark command not accepted: ${JSON.stringify(r)}`)
  return r
}

export function printChannels(r: ChannelBenchResult): void {
  console.log('\nChannels (raw bare publish ceiling of the same run: %d msg/s)', Math.round(r.ceiling.perSecond))
  console.log(
    `  a post fanned out to ${r.fanout.online} online subscribers (the API in a process of its own, the clients in this one): last ${Math.round(r.fanout.lastMs)} ms, median ${Math.round(r.fanout.medianMs)} ms (goal: last < 1000 ms); ${r.fanout.connectSeconds.toFixed(1)} s to connect them`,
  )
  console.log('  subscribers | read: append ms | read: projection ms | view-count query ms')
  for (const c of r.counts) {
    console.log(
      `  ${String(c.subscribers).padStart(11)} | ${c.readAppendMs.toFixed(2).padStart(15)} | ${c.readApplyMs.toFixed(2).padStart(19)} | ${c.queryMs.toFixed(2).padStart(19)}`,
    )
  }
}
