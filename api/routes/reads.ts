import type Type from 'typebox'
import { conversationEvents } from '../../core/log/index.js'
import type { InboxRow as InboxRowRecord } from '../../projections/conversations/index.js'
import {
  ConvParams,
  ConvSeqParams,
  ErrorBody,
  EventsPage,
  EventsQuery,
  Inbox,
  MemberPageQuery,
  ndjsonOf,
  Receipt,
  SyncQuery,
  SyncResult,
} from '../../schemas/index.js'
import { mustSee, visibleTo } from '../authorize.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError } from '../errors.js'
import { sendNdjson } from '../export.js'
import { CONVERSATION_READ_ERRORS } from '../openapi/index.js'
import { pull } from '../pull.js'
import { mustListMembers } from './channels.js'
import { withReactions } from './reactions.js'
import { withThreads } from './threads.js'

const tags = ['reads']
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

/** Pull by seq range, sync, inbox, receipts, the user's own export. Every read is limited to what the user may see. */
export function readRoutes(app: TypedApp, deps: ApiDeps): void {
  app.get('/v1/conversations/:conv/events', {
    config: { errors: CONVERSATION_READ_ERRORS },
    schema: {
      summary: 'Events by seq range, clipped to what you may see; erased seqs are listed',
      tags,
      params: ConvParams,
      querystring: EventsQuery,
      response: { 200: EventsPage, ...failures },
    },
    handler: async (request): Promise<Type.Static<typeof EventsPage>> => {
      const visible = await visibleTo(deps, request.params.conv, request.user)
      const { threadReplies, ...range } = request.query
      const page = await withReactions(deps, request.user, await pull(deps.log, request.user, visible, range), visible.leftAt !== undefined)
      return withThreads(deps, request.user, page, threadReplies)
    },
  })

  app.get('/v1/conversations/:conv/messages/:seq/receipts', {
    config: { errors: [...CONVERSATION_READ_ERRORS, 'SEQ_OUT_OF_RANGE', 'FORBIDDEN_ROLE'] },
    schema: {
      summary: 'Who has read a message and who has not (current members only), a page of members at a time; in a channel, for its owner and admins',
      tags,
      params: ConvSeqParams,
      querystring: MemberPageQuery,
      response: { 200: Receipt, ...failures },
    },
    handler: async (request): Promise<Type.Static<typeof Receipt>> => {
      const { conv, seq } = request.params
      const visible = await visibleTo(deps, conv, request.user)
      // Receipts are members' reads as they stand now: a former member would keep learning of reads after leaving.
      if (visible.leftAt !== undefined) {
        throw new ApiError(403, 'NOT_MEMBER', `${request.user} left ${conv} at seq ${visible.leftAt}; receipts are for current members`)
      }
      mustSee(visible, seq, request.user)
      mustListMembers(await deps.handler.state(conv), request.user, 'see who has read a post')
      return deps.views.receipt(conv, seq, request.query)
    },
  })

  app.get('/v1/inbox', {
    schema: { summary: 'My conversations with unread counts, most recently active first', tags, response: { 200: Inbox, ...failures } },
    // Typed against the schema so that a change to the projection's rows fails to compile here.
    handler: async (request): Promise<Type.Static<typeof Inbox>> => deps.views.inbox(request.user),
  })

  app.get('/v1/sync', {
    schema: {
      summary: 'Conversations active since a cursor, with their max seq: what to pull after a reconnect',
      tags,
      querystring: SyncQuery,
      response: { 200: SyncResult, ...failures },
    },
    handler: async (request) => sync(await deps.views.inbox(request.user), request.query.since),
  })

  app.get('/v1/conversations/:conv/export', {
    // A HEAD would stream the whole export only to discard it.
    exposeHeadRoute: false,
    config: { errors: CONVERSATION_READ_ERRORS },
    schema: {
      summary: 'Every event of the conversation you may see, as NDJSON in seq order',
      tags,
      params: ConvParams,
      response: { 200: ndjsonOf("one event per line, in seq order; erased seqs and other members' private events are absent"), ...failures },
    },
    handler: async (request, reply) => {
      const { conv } = request.params
      // Authorised before the first byte: a refusal must still be a proper error response.
      const visible = await visibleTo(deps, conv, request.user)
      return sendNdjson(reply, conversationEvents(deps.log, conv, visible.head, request.user))
    },
  })
}

/**
 * The rows changed at or after `since` (new events, the user's reads on any device, their
 * membership), and the cursor for next time. At or after: a change in the very millisecond
 * of the cursor is sent again rather than missed; clients pull by seq, so a repeat costs nothing.
 */
function sync(rows: InboxRowRecord[], since?: number): Type.Static<typeof SyncResult> {
  const changed = since === undefined ? rows : rows.filter((r) => r.changedAt >= since)
  const cursor = changed.reduce((max, r) => Math.max(max, r.changedAt), since ?? 0)
  const conversations = changed.map(({ conv, maxSeq, readSeq, unread, mentioned }) => ({ conv, maxSeq, readSeq, unread, mentioned }))
  return { cursor, conversations }
}
