// Threads and blocking: the read cost of a page of a 1,000-reply thread (its
// summary, a page of reply seqs from the views, the replies from the log), and
// what the block check adds to a direct send (serial sends with and without
// the handler asking the peer's own log, in alternating blocks), beside the
// log's append ceiling measured in the same run.
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider, directConversationId } from '../../../core/domain/index.js'
import type { JetStreamLog } from '../../../core/log/index.js'
import { UserLog } from '../../../core/users/index.js'
import { ConversationViews } from '../../../projections/conversations/index.js'
import { untilCaughtUp } from '../shared/catch-up.js'
import { bareCeiling, type Ceiling } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog, scratchProjection } from '../shared/scratch.js'
import { fmt, percentiles, pipelined } from '../shared/stats.js'

export interface ThreadBenchResult {
  ceiling: Ceiling
  replies: number
  /** Replies appended per second, one conversation (its commands run one after another). */
  repliesPerSecond: number
  pageSize: number
  page: { p50: number; p99: number }
  sends: number
  send: { without: { p50: number; p99: number }; with: { p50: number; p99: number } }
}

const REPLIES = 1000
const PAGE = 100
const PAGE_READS = 200
const BLOCK = 100
const CONV = 'g_thread_bench'

export async function threadBench(nc: NatsConnection, messages: number, window: number, partitions: number, sends: number): Promise<ThreadBenchResult> {
  const ceiling = await ceilingOf(nc, messages, window, partitions)
  const log = await scratchLog(nc, 'threads', partitions)
  try {
    const handler = new CommandHandler(log, createDecider())
    const { repliesPerSecond, root } = await thread(handler)
    const page = await pageReads(nc, log, root)
    const send = await blockCheck(nc, log, sends)
    return { ceiling, replies: REPLIES, repliesPerSecond, pageSize: PAGE, page, sends, send }
  } finally {
    await dropLog(nc, log)
  }
}

/** Measured on a log of its own: the projection below follows its whole log, and raw publishes are no events of it. */
async function ceilingOf(nc: NatsConnection, messages: number, window: number, partitions: number): Promise<Ceiling> {
  const log = await scratchLog(nc, 'threadsceiling', partitions)
  try {
    return await bareCeiling(log, messages, window)
  } finally {
    await dropLog(nc, log)
  }
}

async function thread(handler: CommandHandler): Promise<{ repliesPerSecond: number; root: number }> {
  await ok(handler, { type: 'group.create', id: 'create', conv: CONV, actor: 'ann', data: { name: 'bench', members: ['ben', 'cat'] } })
  const root = (await ok(handler, say('root', 'ann'))).seq
  const { seconds } = await pipelined(REPLIES, 256, async (i) => void (await ok(handler, say(`r${i}`, i % 2 ? 'ben' : 'cat', root))))
  return { repliesPerSecond: REPLIES / seconds, root }
}

/** A page as GET /threads/{seq}/replies reads it: the summary, the reply seqs from the views, the replies from the log. */
async function pageReads(nc: NatsConnection, log: JetStreamLog, root: number): Promise<{ p50: number; p99: number }> {
  const scratch = await scratchProjection(nc, log, 'threads')
  try {
    await scratch.runner.start()
    await untilCaughtUp(scratch.runner, 100, 120_000)
    await scratch.runner.stop()
    const views = await ConversationViews.open(nc, scratch.bucket, scratch.bucket)
    const head = (await log.head(CONV)).seq
    const times: number[] = []
    for (let r = 0; r < PAGE_READS; r++) {
      const started = performance.now()
      const { summary, record } = await views.thread(CONV, root, 'ann')
      const from = r % 2 ? undefined : root + 1 + ((r * 37) % (REPLIES - PAGE))
      const page = await views.replySeqs(CONV, root, record!, { from, limit: PAGE, direction: r % 2 ? 'backward' : 'forward' }, head)
      const first = Math.min(...page.seqs)
      const read = await log.read(CONV, { from: first, limit: Math.max(...page.seqs) - first + 1 })
      times.push(performance.now() - started)
      // A benchmark must not report the time of a wrong answer.
      if (summary.replies !== REPLIES || page.seqs.length !== PAGE || read.length !== PAGE)
        throw new Error(`thread page wrong: ${summary.replies} replies, ${page.seqs.length}/${read.length} in the page`)
    }
    const p = percentiles(times)
    return { p50: p.p50, p99: p.p99 }
  } finally {
    await scratch.drop()
  }
}

/** Serial direct sends through a handler that asks nobody and one that asks the peer's own log, alternating blocks. */
async function blockCheck(nc: NatsConnection, log: JetStreamLog, sends: number) {
  const id = Date.now().toString(36)
  const users = await UserLog.open(nc, { names: { stream: `BENCH_USERS_${id}`, subjectPrefix: `benchusers.${id}` } })
  const plain = new CommandHandler(log, createDecider())
  const checked = new CommandHandler(log, createDecider(), { blocks: (blocker, user) => users.blocks(blocker, user) })
  // The peer blocks someone else, so the check reads a real list and lets the send through.
  await users.change('bob', 'mallory', true, 'bench')
  const kinds = { without: [plain, directConversationId('alice', 'bob')], with: [checked, directConversationId('carol', 'bob')] } as const
  for (const [handler, conv] of Object.values(kinds)) {
    await ok(handler, { type: 'conversation.create-direct', id: 'open', conv, actor: conv.includes('alice') ? 'alice' : 'carol', data: { peer: 'bob' } })
  }
  const samples = { without: [] as number[], with: [] as number[] }
  let i = 0
  const run = async (name: keyof typeof kinds, timed: boolean) => {
    const [handler, conv] = kinds[name]
    const actor = conv.includes('alice') ? 'alice' : 'carol'
    for (let k = 0; k < BLOCK; k++) {
      const started = performance.now()
      await ok(handler, { type: 'message.send', id: `m${i++}`, conv, actor, data: { content: { type: 'text', text: 'x'.repeat(100) } } })
      if (timed) samples[name].push(performance.now() - started)
    }
  }
  // Untimed first block of each: code warmed.
  await run('without', false)
  await run('with', false)
  while (samples.with.length < sends) {
    await run('without', true)
    await run('with', true)
  }
  const p = (xs: number[]) => {
    const q = percentiles(xs)
    return { p50: q.p50, p99: q.p99 }
  }
  await (await jetstreamManager(nc)).streams.delete(`BENCH_USERS_${id}`)
  return { without: p(samples.without), with: p(samples.with) }
}

const say = (id: string, actor: string, thread?: number) => ({
  type: 'message.send',
  id,
  conv: CONV,
  actor,
  data: { content: { type: 'text', text: `${id} ${'x'.repeat(80)}` }, ...(thread === undefined ? {} : { thread }) },
})

async function ok(handler: CommandHandler, command: unknown) {
  const r = await handler.execute(command)
  if (!r.ok) throw new Error(JSON.stringify(r))
  return r
}

export function printThreads(r: ThreadBenchResult): void {
  console.log('\nThreads and blocking')
  console.log(`  log append ceiling (bare pipelined publish, same run): ${Math.round(r.ceiling.perSecond)}/s`)
  console.log(`  ${r.replies} replies under one root: ${Math.round(r.repliesPerSecond)}/s (one conversation: its commands run one after another)`)
  console.log(
    `  thread page of ${r.pageSize} replies (summary + reply seqs from the views + replies from the log): p50 ${fmt(r.page.p50)} ms, p99 ${fmt(r.page.p99)} ms`,
  )
  console.log(
    `  direct send, ${r.sends} serial: without the block check p50 ${fmt(r.send.without.p50)} ms p99 ${fmt(r.send.without.p99)} ms; ` +
      `with it p50 ${fmt(r.send.with.p50)} ms p99 ${fmt(r.send.with.p99)} ms (added p50 ${fmt(r.send.with.p50 - r.send.without.p50)} ms)`,
  )
}
