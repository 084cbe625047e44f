import { createHash } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import Type from 'typebox'
import type { HandleResult } from '../../core/commands/index.js'
import { directConversationId } from '../../core/domain/index.js'
import type { Command, CommandType } from '../../schemas/index.js'
import { Accepted, ConversationId, ConvParams, ConvSeqParams, ConvUserParams, commandBody, ErrorBody, requestField, withinLimits } from '../../schemas/index.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { failureOf } from '../errors.js'
import { COMMAND_ERRORS } from '../openapi/index.js'
import { PIN_ROUTES } from './pins.js'
import { REACTION_ROUTES } from './reactions.js'

/** What the routes built from COMMAND_ROUTES receive; each route's schemas check the exact shape. */
interface CommandRequest {
  Params: { conv: string } & Record<string, string | number>
  Body: { id: string } & Record<string, unknown>
}

/** One REST endpoint per command: the body is the command's data plus its id; the path names the rest. */
export interface CommandRoute {
  method: 'POST' | 'PUT' | 'PATCH'
  url: string
  /** An erasure is Seqline's own: no route sends one. */
  type: Exclude<CommandType, 'content.erase'>
  params: Type.TSchema
  /** Data fields taken from the path instead of the body: data field → path parameter. */
  fromPath?: Record<string, string>
  summary: string
}

const conv = ConvParams
const bySeq = { target: 'seq' }
const byUser = { user: 'user' }

export const COMMAND_ROUTES: CommandRoute[] = [
  { method: 'POST', url: '/v1/groups/:conv/invite', type: 'group.invite', params: conv, summary: 'Invite users' },
  { method: 'POST', url: '/v1/groups/:conv/join', type: 'group.join', params: conv, summary: 'Join an open group' },
  { method: 'POST', url: '/v1/groups/:conv/leave', type: 'group.leave', params: conv, summary: 'Leave a group' },
  { method: 'POST', url: '/v1/groups/:conv/members/:user/kick', type: 'group.kick', params: ConvUserParams, fromPath: byUser, summary: 'Remove a member' },
  {
    method: 'PUT',
    url: '/v1/groups/:conv/members/:user/role',
    type: 'group.change-role',
    params: ConvUserParams,
    fromPath: byUser,
    summary: 'Change a member role',
  },
  { method: 'POST', url: '/v1/groups/:conv/transfer', type: 'group.transfer-ownership', params: conv, summary: 'Transfer ownership' },
  { method: 'PATCH', url: '/v1/groups/:conv', type: 'group.update-info', params: conv, summary: 'Update name, avatar, notice, joinable' },
  { method: 'POST', url: '/v1/groups/:conv/mute', type: 'group.mute', params: conv, summary: 'Mute the whole group' },
  { method: 'POST', url: '/v1/groups/:conv/unmute', type: 'group.unmute', params: conv, summary: 'Unmute the group' },
  {
    method: 'POST',
    url: '/v1/groups/:conv/members/:user/mute',
    type: 'member.mute',
    params: ConvUserParams,
    fromPath: byUser,
    summary: 'Mute a member for a duration',
  },
  { method: 'POST', url: '/v1/groups/:conv/members/:user/unmute', type: 'member.unmute', params: ConvUserParams, fromPath: byUser, summary: 'Unmute a member' },
  { method: 'POST', url: '/v1/groups/:conv/dissolve', type: 'group.dissolve', params: conv, summary: 'Dissolve the group (owner)' },
  { method: 'POST', url: '/v1/conversations/:conv/messages', type: 'message.send', params: conv, summary: 'Send a message (idempotent by id)' },
  {
    method: 'POST',
    url: '/v1/conversations/:conv/messages/:seq/edit',
    type: 'message.edit',
    params: ConvSeqParams,
    fromPath: bySeq,
    summary: 'Edit one of my messages',
  },
  {
    method: 'POST',
    url: '/v1/conversations/:conv/messages/:seq/recall',
    type: 'message.recall',
    params: ConvSeqParams,
    fromPath: bySeq,
    summary: 'Recall a message',
  },
  { method: 'POST', url: '/v1/conversations/:conv/delete-for-me', type: 'message.delete-for-me', params: conv, summary: 'Hide messages for me' },
  { method: 'POST', url: '/v1/conversations/:conv/read', type: 'conversation.read', params: conv, summary: 'Mark read up to a seq' },
  { method: 'PUT', url: '/v1/conversations/:conv/burn', type: 'burn.configure', params: conv, summary: 'Burn-after-read setting (direct only)' },
  {
    method: 'PUT',
    url: '/v1/groups/:conv/retention',
    type: 'retention.configure',
    params: conv,
    summary: "The group's own retention policy (owner): keep content `days` days; null drops it and the default of groups applies",
  },
  {
    method: 'PUT',
    url: '/v1/conversations/:conv/notifications',
    type: 'notifications.configure',
    params: conv,
    summary: 'My offline-push setting here: all, mentions or none, optionally until a time (private to me)',
  },
  ...REACTION_ROUTES,
  ...PIN_ROUTES,
]

const tags = ['commands']
const config = { errors: COMMAND_ERRORS }
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

export function commandRoutes(app: TypedApp, deps: ApiDeps) {
  const run = async (
    reply: FastifyReply,
    actor: string,
    type: CommandType,
    id: string,
    convId: string,
    data: Record<string, unknown>,
    asSent: (field: string) => string,
  ) => accepted(reply, convId, await execute({ type, id, conv: convId, actor, data } as Command), asSent)
  /**
   * The request's body and path parameters passed the route's schemas, built
   * from the command's (commandBody), and the server set the rest: the command
   * is not validated again, only the limits no schema states are checked.
   */
  const execute = async (command: Command): Promise<HandleResult> => {
    const valid = withinLimits(command)
    return valid.ok ? deps.handler.handle(valid.value) : { ok: false, reason: 'invalid', errors: valid.errors }
  }
  const responses = { 200: Accepted, ...failures }

  for (const route of COMMAND_ROUTES) {
    const fromPath = route.fromPath ?? {}
    const asSent = (field: string) => requestField(field, fromPath)
    // The schemas differ per route, so the request's type is stated for all of them at once.
    app.route<CommandRequest>({
      method: route.method,
      url: route.url,
      config,
      schema: { summary: route.summary, tags, params: route.params, body: commandBody(route.type, Object.keys(fromPath)), response: responses },
      handler: (request, reply) => {
        const { id, ...data } = request.body
        for (const [field, param] of Object.entries(fromPath)) data[field] = request.params[param]
        return run(reply, request.user, route.type, id, request.params.conv, data, asSent)
      },
    })
  }

  app.post('/v1/conversations/direct', {
    config,
    schema: {
      summary: 'Open the direct conversation with a peer (created once, then returned)',
      tags,
      body: commandBody('conversation.create-direct'),
      response: responses,
    },
    handler: async (request, reply) => {
      const { id, peer } = request.body
      const convId = directConversationId(request.user, peer)
      const result = await execute({ type: 'conversation.create-direct', id, conv: convId, actor: request.user, data: { peer } })
      if (!result.ok && result.reason === 'refused' && result.refusal.code === 'ALREADY_EXISTS') {
        return { conv: convId, seq: (await deps.handler.state(convId)).seq, duplicate: true }
      }
      return accepted(reply, convId, result, (field) => requestField(field, {}, '/body/peer'))
    },
  })

  const GroupBody = Type.Object(
    { ...commandBody('group.create').properties, conv: Type.Optional(ConversationId) },
    { additionalProperties: false, title: 'GroupCreateBody' },
  )
  app.post('/v1/groups', {
    config,
    schema: { summary: 'Create a group; its id is given or derived from the command id', tags, body: GroupBody, response: responses },
    handler: (request, reply) => {
      const { id, conv: given, ...data } = request.body
      return run(reply, request.user, 'group.create', id, given ?? groupIdFor(request.user, id), data, (field) => requestField(field, {}, '/body/conv'))
    },
  })
}

/** The response of an accepted command; a refused or invalid one is thrown as its API error. */
export function accepted(reply: FastifyReply, conv: string, result: HandleResult, asSent: (field: string) => string) {
  const failure = failureOf(result, asSent)
  if (failure) throw failure
  const ok = result as Extract<HandleResult, { ok: true }>
  // The event is already JSON, as the log stored it: it goes into the answer as it is, not encoded again.
  // The fields and their order are those the Accepted schema would write.
  if (ok.json !== undefined) {
    void reply.type('application/json').send(`{"conv":${JSON.stringify(conv)},"seq":${ok.seq},"duplicate":${ok.duplicate},"event":${ok.json}}`)
    return
  }
  return { conv, seq: ok.seq, duplicate: ok.duplicate, ...(ok.event ? { event: ok.event } : {}) }
}

/** A group id derived from who created it with which command id, so a retried create names the same group. */
function groupIdFor(actor: string, commandId: string): string {
  return conversationIdFor('g', actor, commandId)
}

/** A conversation id of a kind (g: group, c: channel) derived from who created it with which command id. */
export function conversationIdFor(prefix: 'g' | 'c', actor: string, commandId: string): string {
  return `${prefix}_${createHash('sha256').update(`${actor}/${commandId}`).digest('base64url').slice(0, 22)}`
}
