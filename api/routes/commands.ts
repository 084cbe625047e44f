import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { HandleResult } from '../../core/commands/command-handler.js'
import Type from 'typebox'
import { directConversationId } from '../../core/domain/direct-id.js'
import { Accepted, commandBody, ConvParams, ConvSeqParams, ConvUserParams, ErrorBody, requestField } from '../../schemas/api.js'
import type { Command, CommandType } from '../../schemas/commands.js'
import { ConversationId } from '../../schemas/ids.js'
import { withinLimits } from '../../schemas/validator.js'
import type { ApiDeps } from '../deps.js'
import { failureOf } from '../errors.js'

type Body = { id: string } & Record<string, unknown>
type Params = Record<string, string | number>

/** One REST endpoint per command: the body is the command's data plus its id; the path names the rest. */
interface CommandRoute {
  method: 'POST' | 'PUT' | 'PATCH'
  url: string
  type: CommandType
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
  { method: 'PUT', url: '/v1/groups/:conv/members/:user/role', type: 'group.change-role', params: ConvUserParams, fromPath: byUser, summary: 'Change a member role' },
  { method: 'POST', url: '/v1/groups/:conv/transfer', type: 'group.transfer-ownership', params: conv, summary: 'Transfer ownership' },
  { method: 'PATCH', url: '/v1/groups/:conv', type: 'group.update-info', params: conv, summary: 'Update name, avatar, notice, joinable' },
  { method: 'POST', url: '/v1/groups/:conv/mute', type: 'group.mute', params: conv, summary: 'Mute the whole group' },
  { method: 'POST', url: '/v1/groups/:conv/unmute', type: 'group.unmute', params: conv, summary: 'Unmute the group' },
  { method: 'POST', url: '/v1/groups/:conv/members/:user/mute', type: 'member.mute', params: ConvUserParams, fromPath: byUser, summary: 'Mute a member for a duration' },
  { method: 'POST', url: '/v1/groups/:conv/members/:user/unmute', type: 'member.unmute', params: ConvUserParams, fromPath: byUser, summary: 'Unmute a member' },
  { method: 'POST', url: '/v1/groups/:conv/dissolve', type: 'group.dissolve', params: conv, summary: 'Dissolve the group (owner)' },
  { method: 'POST', url: '/v1/conversations/:conv/messages', type: 'message.send', params: conv, summary: 'Send a message (idempotent by id)' },
  { method: 'POST', url: '/v1/conversations/:conv/messages/:seq/edit', type: 'message.edit', params: ConvSeqParams, fromPath: bySeq, summary: 'Edit one of my messages' },
  { method: 'POST', url: '/v1/conversations/:conv/messages/:seq/recall', type: 'message.recall', params: ConvSeqParams, fromPath: bySeq, summary: 'Recall a message' },
  { method: 'POST', url: '/v1/conversations/:conv/delete-for-me', type: 'message.delete-for-me', params: conv, summary: 'Hide messages for me' },
  { method: 'POST', url: '/v1/conversations/:conv/read', type: 'conversation.read', params: conv, summary: 'Mark read up to a seq' },
  { method: 'PUT', url: '/v1/conversations/:conv/burn', type: 'burn.configure', params: conv, summary: 'Burn-after-read setting (direct only)' },
]

const tags = ['commands']
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

export function commandRoutes(app: FastifyInstance, deps: ApiDeps) {
  const run = async (request: FastifyRequest, reply: FastifyReply, type: CommandType, convId: string, data: Record<string, unknown>, asSent: (field: string) => string) => {
    const { id } = request.body as Body
    return accepted(reply, convId, await execute({ type, id, conv: convId, actor: request.user, data } as Command), asSent)
  }
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
    app.route({
      method: route.method,
      url: route.url,
      schema: { summary: route.summary, tags, params: route.params, body: commandBody(route.type, Object.keys(fromPath)), response: responses },
      handler: (request, reply) => {
        const params = request.params as Params
        const { id: _id, ...data } = request.body as Body
        for (const [field, param] of Object.entries(fromPath)) data[field] = params[param]
        return run(request, reply, route.type, String(params.conv), data, asSent)
      },
    })
  }

  app.post('/v1/conversations/direct', {
    schema: { summary: 'Open the direct conversation with a peer (created once, then returned)', tags, body: commandBody('conversation.create-direct'), response: responses },
    handler: async (request, reply) => {
      const { peer } = request.body as Body & { peer: string }
      const convId = directConversationId(request.user, peer)
      const result = await execute({ type: 'conversation.create-direct', id: (request.body as Body).id, conv: convId, actor: request.user, data: { peer } })
      if (!result.ok && result.reason === 'refused' && result.refusal.code === 'ALREADY_EXISTS') {
        return { conv: convId, seq: (await deps.handler.state(convId)).seq, duplicate: true }
      }
      return accepted(reply, convId, result, (field) => requestField(field, {}, '/body/peer'))
    },
  })

  const GroupBody = Type.Object(
    { ...commandBody('group.create').properties, conv: Type.Optional(ConversationId) },
    { additionalProperties: false },
  )
  app.post('/v1/groups', {
    schema: { summary: 'Create a group; its id is given or derived from the command id', tags, body: GroupBody, response: responses },
    handler: (request, reply) => {
      const { id, conv: given, ...data } = request.body as Body & { conv?: string }
      return run(request, reply, 'group.create', given ?? groupIdFor(request.user, id), data, (field) => requestField(field, {}, '/body/conv'))
    },
  })
}

/** The response of an accepted command; a refused or invalid one is thrown as its API error. */
function accepted(reply: FastifyReply, conv: string, result: HandleResult, asSent: (field: string) => string) {
  const failure = failureOf(result, asSent)
  if (failure) throw failure
  const ok = result as Extract<HandleResult, { ok: true }>
  // The event is already JSON, as the log stored it: it goes into the answer as it is, not encoded again.
  // The fields and their order are those the Accepted schema would write.
  if (ok.json !== undefined) {
    reply.type('application/json')
    return `{"conv":${JSON.stringify(conv)},"seq":${ok.seq},"duplicate":${ok.duplicate},"event":${ok.json}}`
  }
  return { conv, seq: ok.seq, duplicate: ok.duplicate, ...(ok.event ? { event: ok.event } : {}) }
}

/** A group id derived from who created it with which command id, so a retried create names the same group. */
function groupIdFor(actor: string, commandId: string): string {
  return `g_${createHash('sha256').update(`${actor}/${commandId}`).digest('base64url').slice(0, 22)}`
}
