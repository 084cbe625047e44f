// Inbox read time for a heavy user: one user in 1,000 conversations (direct
// ones and groups, a few messages each), read from the views the projection
// wrote — the query side, straight from KV, as any API process would.
import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider, directConversationId } from '../../../core/domain/index.js'
import type { EventLog } from '../../../core/log/index.js'
import type { InboxRow } from '../../../projections/conversations/index.js'
import { ConversationViews } from '../../../projections/conversations/index.js'
import { untilCaughtUp } from '../shared/catch-up.js'
import { dropLog, scratchLog, scratchProjection } from '../shared/scratch.js'
import { percentiles, pipelined } from '../shared/stats.js'

export interface InboxResult {
  user: string
  conversations: number
  direct: number
  messagesEach: number
  reads: number
  p50: number
  p99: number
}

const USER = 'heavy'
const CONVS = 1000
/** Conversations [0, DIRECT) are direct ones, the rest groups of three. */
const DIRECT = 500
/** Messages per conversation, alternating peer first, then the user. */
const MESSAGES = 3
const REPEAT = 30
const POLL_MS = 100
const CATCH_UP_TIMEOUT_MS = 120_000

export async function inboxRead(nc: NatsConnection, window: number, partitions: number): Promise<InboxResult> {
  const log = await scratchLog(nc, 'inbox', partitions)
  try {
    await populate(log, window)
    const scratch = await scratchProjection(nc, log, 'inbox')
    try {
      await scratch.runner.start()
      await untilCaughtUp(scratch.runner, POLL_MS, CATCH_UP_TIMEOUT_MS)
      // Stopping commits the views to KV, and keeps the runner off the CPU while reads are timed.
      await scratch.runner.stop()
      const times = await timedInboxes(await ConversationViews.open(nc, scratch.bucket))
      const p = percentiles(times)
      return { user: USER, conversations: CONVS, direct: DIRECT, messagesEach: MESSAGES, reads: REPEAT, p50: p.p50, p99: p.p99 }
    } finally {
      await scratch.drop()
    }
  } finally {
    await dropLog(nc, log)
  }
}

async function timedInboxes(views: ConversationViews): Promise<number[]> {
  const times: number[] = []
  for (let r = 0; r < REPEAT; r++) {
    const t = performance.now()
    const rows = await views.inbox(USER)
    times.push(performance.now() - t)
    check(rows)
  }
  return times
}

/** A benchmark must not report the time of a wrong answer. */
function check(rows: InboxRow[]): void {
  if (rows.length !== CONVS) throw new Error(`inbox of ${USER} has ${rows.length} rows, expected ${CONVS}`)
  // The last message is the peer's when the count is odd: one unread, else none.
  const unread = MESSAGES % 2
  const wrong = rows.find((r) => r.maxSeq !== 1 + MESSAGES || r.unread !== unread || r.left !== undefined)
  if (wrong) throw new Error(`inbox row ${JSON.stringify(wrong)}: expected maxSeq ${1 + MESSAGES}, unread ${unread}`)
}

/** Creates the conversations, then the messages; one conversation's commands run in issue order. */
async function populate(log: EventLog, window: number): Promise<void> {
  const handler = new CommandHandler(log, createDecider())
  await pipelined(CONVS * (1 + MESSAGES), window, async (i) => {
    const j = i % CONVS
    const k = Math.floor(i / CONVS)
    const r = await handler.execute(k === 0 ? creation(j) : message(j, k))
    if (!r.ok) throw new Error(JSON.stringify(r))
  })
}

const peer = (j: number) => `p${j}`
const convOf = (j: number) => (j < DIRECT ? directConversationId(USER, peer(j)) : `g_inbox_${j}`)

/** Half of each kind is created by the heavy user, half by someone else. */
function creation(j: number) {
  const [actor, other] = j % 2 ? [USER, peer(j)] : [peer(j), USER]
  if (j < DIRECT) return { type: 'conversation.create-direct', id: 'create', conv: convOf(j), actor, data: { peer: other } }
  return { type: 'group.create', id: 'create', conv: convOf(j), actor, data: { name: `group ${j}`, members: [other, `q${j}`] } }
}

function message(j: number, k: number) {
  const actor = k % 2 ? peer(j) : USER
  return { type: 'message.send', id: `m${k}`, conv: convOf(j), actor, data: { content: { type: 'text', text: `message ${k}` } } }
}
