import type Type from 'typebox'
import { ConvParams, ConvSeqParams, ErrorBody, Pins } from '../../schemas/index.js'
import { visibleTo } from '../authorize.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError } from '../errors.js'
import { CONVERSATION_READ_ERRORS } from '../openapi/index.js'
import type { CommandRoute } from './commands.js'

const bySeq = { target: 'seq' }

/** Pinning and unpinning: commands like any other, the message named by the path. */
export const PIN_ROUTES: CommandRoute[] = [
  {
    method: 'POST',
    url: '/v1/conversations/:conv/messages/:seq/pin',
    type: 'message.pin',
    params: ConvSeqParams,
    fromPath: bySeq,
    summary: 'Pin a message (owner and admins of a group; either side of a direct chat)',
  },
  {
    method: 'POST',
    url: '/v1/conversations/:conv/messages/:seq/unpin',
    type: 'message.unpin',
    params: ConvSeqParams,
    fromPath: bySeq,
    summary: 'Unpin a message',
  },
]

/** The pinned list, as the conversation's state holds it now (the inbox row carries it too, from the views). */
export function pinRoutes(app: TypedApp, deps: ApiDeps): void {
  app.get('/v1/conversations/:conv/pins', {
    config: { errors: CONVERSATION_READ_ERRORS },
    schema: {
      summary: 'Pinned messages in the order they were pinned, with who pinned each and when',
      tags: ['reads'],
      params: ConvParams,
      response: { 200: Pins, ...failures },
    },
    handler: async (request): Promise<Type.Static<typeof Pins>> => {
      const { conv } = request.params
      const visible = await visibleTo(deps, conv, request.user)
      // Pins change after a leave; a former member keeps what they had, not what came later.
      if (visible.leftAt !== undefined)
        throw new ApiError(403, 'NOT_MEMBER', `${request.user} left ${conv} at seq ${visible.leftAt}; pins are for current members`)
      return (await deps.handler.state(conv)).pins.map((p) => ({ ...p }))
    },
  })
}

const failures = { '4xx': ErrorBody, '5xx': ErrorBody }
