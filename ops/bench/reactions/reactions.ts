// Reactions benchmark: reaction adds through the command handler (validate,
// load the target, decide, OCC append) over many conversations, beside the
// log's raw pipelined-publish ceiling and plain message sends of the same run;
// then the cost of reading the aggregates a page of events carries, beside a
// range read of that page from the log.
import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import { ConversationViews } from '../../../projections/conversations/index.js'
import { untilCaughtUp } from '../shared/catch-up.js'
import { clientCeiling } from '../shared/publish-ceilings.js'
import { dropLog, scratchLog, scratchProjection } from '../shared/scratch.js'
import { fmt, percentiles, pipelined } from '../shared/stats.js'

interface Row {
  scenario: string
  count: number
  perSecond: number
  p50: number
  p99: number
}

export interface ReactionBenchResult {
  writes: Row[]
  reads: Row[]
}

const KEYS = ['👍', '❤️', 'tada', '😂', '👀']
const MEMBERS = Array.from({ length: 40 }, (_, i) => `m${i}`)
const PAGE = 100

export async function reactionBench(nc: NatsConnection, reactions: number, window: number, partitions: number): Promise<ReactionBenchResult> {
  const log = await scratchLog(nc, 'reactions', partitions)
  const projection = await scratchProjection(nc, log, 'reactions')
  try {
    const handler = new CommandHandler(log, createDecider())
    const convs = 100
    const conv = (i: number) => `g_react${i % convs}`
    await pipelined(convs, window, (i) =>
      ok(handler, { type: 'group.create', id: 'create', conv: conv(i), actor: 'owner', data: { name: 'bench', members: MEMBERS } }),
    )
    // A page of messages in each conversation to react to (seq 2 to PAGE + 1).
    const sends = await timed('handler: message sends (reference)', convs * PAGE, window, (i) =>
      ok(handler, { type: 'message.send', id: `s${i}`, conv: conv(i), actor: 'owner', data: { content: { type: 'text', text: 'x'.repeat(100) } } }),
    )
    // Each reaction a distinct (user, key, message): spread over conversations, messages, members and keys.
    const adds = await timed('handler: reaction adds', reactions, window, (i) => {
      const j = Math.floor(i / convs)
      const target = 2 + (j % PAGE)
      const who = Math.floor(j / PAGE)
      return ok(handler, {
        type: 'reaction.add',
        id: `r${i}`,
        conv: conv(i),
        actor: MEMBERS[who % MEMBERS.length]!,
        data: { target, key: KEYS[Math.floor(who / MEMBERS.length) % KEYS.length]! },
      })
    })
    // On a log of its own: the projection below follows every event of the other one.
    const raw = await scratchLog(nc, 'reactionsraw', partitions)
    const ceiling = await clientCeiling(nc, raw, reactions, window).finally(() => dropLog(nc, raw))
    const writes = [{ scenario: 'raw js.publish ceiling', count: reactions, ...ceiling }, sends, adds]

    projection.runner.start()
    await untilCaughtUp(projection.runner, 50, 600_000)
    const views = await ConversationViews.open(nc, projection.bucket, projection.bucket)
    const samples = 500
    const reads = [
      await timed(`log: range read of ${PAGE} events`, samples, 1, (i) => log.read(conv(i), { from: 2, limit: PAGE }).then(() => undefined)),
      await timed(`views: aggregates of a ${PAGE}-message page`, samples, 1, (i) =>
        views.reactions(conv(i), MEMBERS[i % MEMBERS.length]!, 2, PAGE + 1).then(() => undefined),
      ),
      await timed('views: aggregates of one message', samples, 1, (i) =>
        views.reactions(conv(i), MEMBERS[i % MEMBERS.length]!, 2 + (i % PAGE), 2 + (i % PAGE)).then(() => undefined),
      ),
    ]
    return { writes, reads }
  } finally {
    await projection.drop()
    await dropLog(nc, log)
  }
}

async function ok(handler: CommandHandler, command: unknown): Promise<void> {
  const r = await handler.execute(command)
  if (!r.ok) throw new Error(JSON.stringify(r))
}

async function timed(scenario: string, count: number, window: number, task: (i: number) => Promise<void>): Promise<Row> {
  const { seconds, latencies } = await pipelined(count, window, task)
  const p = percentiles(latencies)
  return { scenario, count, perSecond: count / seconds, p50: p.p50, p99: p.p99 }
}

export function printReactions(r: ReactionBenchResult, window: number) {
  console.log(`\nreactions: 100 groups of 41, ${window} commands in flight; reads serial, ${PAGE}-message pages`)
  console.log('scenario                                       count      per s   p50 ms   p99 ms')
  for (const row of [...r.writes, ...r.reads]) {
    console.log(
      `${row.scenario.padEnd(44)} ${String(row.count).padStart(7)} ${fmt(row.perSecond, 0).padStart(10)} ${fmt(row.p50).padStart(8)} ${fmt(row.p99).padStart(8)}`,
    )
  }
}
