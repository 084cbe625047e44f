import Type from 'typebox'
import { ADMIN_RANK, type ConversationState, rankOf } from '../../core/domain/index.js'
import {
  Accepted,
  ConversationId,
  ConvParams,
  ConvSeqParams,
  commandBody,
  ErrorBody,
  MemberPage,
  MemberPageQuery,
  requestField,
  ViewCount,
  withinLimits,
} from '../../schemas/index.js'
import { mustSee, visibleTo } from '../authorize.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError } from '../errors.js'
import { COMMAND_ERRORS, CONVERSATION_READ_ERRORS } from '../openapi/index.js'
import { accepted, conversationIdFor } from './commands.js'

const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

/**
 * Channels: creating one, its member (subscriber) list page by page, and the
 * view count of a post. Subscribing, inviting, leaving and the rest are the
 * group routes (/v1/groups/{conv}/...), which take a channel's id as they are.
 */
export function channelRoutes(app: TypedApp, deps: ApiDeps): void {
  const ChannelBody = Type.Object(
    { ...commandBody('channel.create').properties, conv: Type.Optional(ConversationId) },
    { additionalProperties: false, title: 'ChannelCreateBody' },
  )
  app.post('/v1/channels', {
    config: { errors: COMMAND_ERRORS },
    schema: {
      summary: 'Create a broadcast channel; its id (c_...) is given or derived from the command id',
      tags: ['commands'],
      body: ChannelBody,
      response: { 200: Accepted, ...failures },
    },
    handler: async (request, reply) => {
      const { id, conv: given, ...data } = request.body
      const conv = given ?? conversationIdFor('c', request.user, id)
      const valid = withinLimits({ type: 'channel.create', id, conv, actor: request.user, data })
      const result = valid.ok ? await deps.handler.handle(valid.value) : { ok: false as const, reason: 'invalid' as const, errors: valid.errors }
      return accepted(reply, conv, result, (field) => requestField(field, {}, '/body/conv'))
    },
  })

  app.get('/v1/conversations/:conv/members', {
    config: { errors: [...CONVERSATION_READ_ERRORS, 'FORBIDDEN_ROLE'] },
    schema: {
      summary: "A page of current members, sorted by user within the page; a channel's subscribers are listed to its owner and admins only",
      tags: ['reads'],
      params: ConvParams,
      querystring: MemberPageQuery,
      response: { 200: MemberPage, ...failures },
    },
    handler: async (request): Promise<Type.Static<typeof MemberPage>> => {
      const { conv } = request.params
      const state = await currentMember(deps, conv, request.user)
      mustListMembers(state, request.user, 'list the subscribers')
      const [page, head] = await Promise.all([deps.views.members(conv, request.query), deps.views.head(conv)])
      const members = page.rows
        .filter((m) => m.left === undefined)
        .map(({ user, role, since, mutedUntil }) => ({ user, role, since, mutedUntil }))
        .sort((a, b) => a.user.localeCompare(b.user))
      return { members, count: head?.members ?? state.members.size, ...(page.next === undefined ? {} : { next: page.next }) }
    },
  })

  app.get('/v1/conversations/:conv/messages/:seq/views', {
    config: { errors: [...CONVERSATION_READ_ERRORS, 'SEQ_OUT_OF_RANGE'] },
    schema: {
      summary: "A channel post's view count: subscribers whose read position reached it",
      tags: ['reads'],
      params: ConvSeqParams,
      response: { 200: ViewCount, ...failures },
    },
    handler: async (request): Promise<Type.Static<typeof ViewCount>> => {
      const { conv, seq } = request.params
      mustSee(await visibleTo(deps, conv, request.user), seq, request.user)
      return { seq, views: await deps.views.views(conv, seq) }
    },
  })
}

/** The state of a conversation the user is a current member of. */
async function currentMember(deps: ApiDeps, conv: string, user: string): Promise<ConversationState> {
  const visible = await visibleTo(deps, conv, user)
  if (visible.leftAt !== undefined) throw new ApiError(403, 'NOT_MEMBER', `${user} left ${conv} at seq ${visible.leftAt}`)
  return deps.handler.state(conv)
}

/** In a channel subscribers do not see one another: only the owner and admins list them, or see who has read what. */
export function mustListMembers(state: ConversationState, user: string, what: string): void {
  if (state.kind === 'channel' && rankOf(state, user) < ADMIN_RANK) {
    throw new ApiError(403, 'FORBIDDEN_ROLE', `only the owner and admins of a channel ${what}`)
  }
}
