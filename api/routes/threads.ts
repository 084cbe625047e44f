import type Type from 'typebox'
import { readAs, type StoredEvent } from '../../core/log/index.js'
import { ErrorBody, type EventsPage as EventsPageSchema, type SeqlineEvent, ThreadPage, ThreadParams, ThreadQuery, ThreadSummary } from '../../schemas/index.js'
import { mustSee, visibleTo } from '../authorize.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { CONVERSATION_READ_ERRORS } from '../openapi/index.js'
import type { Page } from '../pull.js'

type EventsPage = Type.Static<typeof EventsPageSchema>

const tags = ['threads']
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }
const config = { errors: [...CONVERSATION_READ_ERRORS, 'SEQ_OUT_OF_RANGE' as const] }

/**
 * A page of the timeline with the summaries of the threads rooted in it; with
 * `exclude`, thread replies are taken out of its events and listed by seq, so
 * the page still accounts for every seq of its range.
 */
export async function withThreads(deps: Pick<ApiDeps, 'views'>, reader: string, page: Page, threadReplies: 'include' | 'exclude'): Promise<EventsPage> {
  const first = page.events[0]?.seq
  const last = page.events.at(-1)?.seq
  const threads = first === undefined || last === undefined ? [] : await deps.views.threadsIn(page.conv, first, last, reader)
  const summaries = threads.length > 0 ? { threads } : {}
  if (threadReplies === 'include') return { ...page, ...summaries }
  const isReply = (e: SeqlineEvent) => e.type === 'message.sent' && e.data.thread !== undefined
  return { ...page, events: page.events.filter((e) => !isReply(e)), ...summaries, threadReplies: page.events.filter(isReply).map((e) => e.seq) }
}

/** Seqs of a page further apart than this are read separately rather than with everything between them. */
const RUN_GAP = 64

/** A thread's summary and its replies by seq, both directions, paged by a cursor; limited to what the reader may see. */
export function threadRoutes(app: TypedApp, deps: ApiDeps): void {
  app.get('/v1/conversations/:conv/threads/:seq', {
    config,
    schema: { summary: 'The summary of the thread under a message', tags, params: ThreadParams, response: { 200: ThreadSummary, ...failures } },
    handler: async (request): Promise<Type.Static<typeof ThreadSummary>> => {
      const { conv, seq } = request.params
      mustSee(await visibleTo(deps, conv, request.user), seq, request.user)
      return (await deps.views.thread(conv, seq, request.user)).summary
    },
  })

  app.get('/v1/conversations/:conv/threads/:seq/replies', {
    config,
    schema: {
      summary: "A page of a thread's replies, forward from the oldest or backward from the newest; `next` is the following page's cursor",
      tags,
      params: ThreadParams,
      querystring: ThreadQuery,
      response: { 200: ThreadPage, ...failures },
    },
    handler: async (request): Promise<Type.Static<typeof ThreadPage>> => {
      const { conv, seq } = request.params
      const visible = await visibleTo(deps, conv, request.user)
      mustSee(visible, seq, request.user)
      const { summary, record } = await deps.views.thread(conv, seq, request.user)
      if (!record) return { conv, summary, replies: [], erased: [] }
      const page = await deps.views.replySeqs(conv, seq, record, request.query, visible.head)
      const found = await eventsAt(deps, request.user, conv, page.seqs)
      const replies = page.seqs.flatMap((s) => found.get(s) ?? [])
      const erased = page.seqs.filter((s) => !found.has(s))
      return { conv, summary, replies, erased, ...(page.next === undefined ? {} : { next: page.next }) }
    },
  })
}

/** The events at the given seqs the reader may have, read from the log in runs of nearby seqs. */
async function eventsAt(deps: Pick<ApiDeps, 'log'>, reader: string, conv: string, seqs: readonly number[]): Promise<Map<number, SeqlineEvent>> {
  const wanted = new Set(seqs)
  const runs = runsOf(seqs)
  const read = await Promise.all(runs.map(([from, to]) => readAs(deps.log, reader, conv, { from, limit: to - from + 1 })))
  const found = new Map<number, SeqlineEvent>()
  for (const { event } of read.flat() as StoredEvent[]) if (wanted.has(event.seq)) found.set(event.seq, event)
  return found
}

function runsOf(seqs: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = []
  for (const seq of [...seqs].sort((a, b) => a - b)) {
    const last = runs.at(-1)
    if (last && seq - last[1] <= RUN_GAP) last[1] = seq
    else runs.push([seq, seq])
  }
  return runs
}
