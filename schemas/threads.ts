import Type from 'typebox'
import { RangeQuery } from './api.js'
import { EventPage, StoredEnvelope } from './api-reads.js'
import { ConversationId, EpochMs, Seq, UserId } from './ids.js'

/** The last reply of a thread as a summary shows it; the preview is read from the log, never stored in a view. */
const LastReply = Type.Object(
  {
    seq: Seq,
    actor: Type.String(),
    at: EpochMs,
    preview: Type.String(),
    state: Type.Union([Type.Literal('live'), Type.Literal('edited'), Type.Literal('recalled'), Type.Literal('burned'), Type.Literal('erased')]),
  },
  { title: 'LastReply' },
)

export const ThreadSummary = Type.Object(
  {
    root: Seq,
    replies: Type.Integer({ minimum: 0, description: 'live replies: recalled, burned and erased ones are not counted' }),
    last: Type.Optional(LastReply),
    participants: Type.Array(UserId, { description: 'authors of live replies, sorted' }),
    participated: Type.Boolean({ description: 'whether I wrote the root or a live reply' }),
  },
  { title: 'ThreadSummary' },
)

export const ThreadParams = Type.Object({ conv: ConversationId, seq: Seq }, { additionalProperties: false })

export const ThreadQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 1, description: 'a cursor: replies at or after this seq going forward, at or before it going backward' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    direction: Type.Union([Type.Literal('forward'), Type.Literal('backward')], { default: 'forward' }),
  },
  { additionalProperties: false },
)

export const ThreadPage = Type.Object(
  {
    conv: ConversationId,
    summary: ThreadSummary,
    replies: Type.Array(StoredEnvelope, { description: 'the replies of this page in the direction asked (ascending forward, descending backward)' }),
    erased: Type.Array(Seq, { description: "replies of this page the log no longer holds for you (burned, erased, another member's private event)" }),
    next: Type.Optional(Type.Integer({ minimum: 1, description: 'pass as from for the next page; absent at the end of the thread' })),
  },
  { title: 'ThreadPage' },
)

export type ThreadSummary = Type.Static<typeof ThreadSummary>
export type ThreadQuery = Type.Static<typeof ThreadQuery>

/** A range of the timeline: thread replies in it by default, or left out with `threadReplies=exclude` (docs/threads.md). */
export const EventsQuery = Type.Object(
  {
    ...RangeQuery.properties,
    threadReplies: Type.Union([Type.Literal('include'), Type.Literal('exclude')], {
      default: 'include',
      description: 'exclude: thread replies are left out of events and their seqs listed in threadReplies',
    }),
  },
  { additionalProperties: false },
)

/** A page of events, with the summary of every thread whose root is in the range. */
export const EventsPage = Type.Object(
  {
    ...EventPage.properties,
    threads: Type.Optional(Type.Array(ThreadSummary, { description: 'the summary of each thread whose root lies in the range; absent when none' })),
    threadReplies: Type.Optional(Type.Array(Seq, { description: 'with threadReplies=exclude: the seqs of thread replies left out of events' })),
  },
  { title: 'EventPage' },
)
