import { randomBytes } from 'node:crypto'
import type { UserLog } from '../../core/users/index.js'
import { BlockAnswer, BlockList, BlockParams, ErrorBody, MAX_BLOCKED } from '../../schemas/index.js'
import type { TypedApp } from '../deps.js'
import { ApiError } from '../errors.js'

const tags = ['blocks']
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

/**
 * My block list, kept in my own log (core/users) and shown to me alone. A
 * block refuses the blocked user's opening of, and sending, editing or
 * reacting in, our direct conversation (403 BLOCKED); groups are unaffected.
 */
export function blockRoutes(app: TypedApp, users: UserLog): void {
  const change = async (me: string, user: string, blocking: boolean) => {
    const done = await users.change(me, user, blocking, randomBytes(9).toString('base64url'))
    if (done.ok) return { user, blocked: blocking, changed: done.changed }
    if (done.reason === 'self') throw new ApiError(400, 'CANNOT_BLOCK_SELF', `${me} cannot block ${user}: that is you (/params/user)`)
    throw new ApiError(409, 'BLOCK_LIST_FULL', `${me} already blocks ${MAX_BLOCKED} users; unblock one before blocking ${user}`)
  }

  app.put('/v1/users/me/blocks/:user', {
    config: { errors: ['CANNOT_BLOCK_SELF', 'BLOCK_LIST_FULL'] },
    schema: { summary: 'Block a user (idempotent; private to me)', tags, params: BlockParams, response: { 200: BlockAnswer, ...failures } },
    handler: (request) => change(request.user, request.params.user, true),
  })

  app.delete('/v1/users/me/blocks/:user', {
    config: { errors: ['CANNOT_BLOCK_SELF'] },
    schema: { summary: 'Unblock a user (idempotent)', tags, params: BlockParams, response: { 200: BlockAnswer, ...failures } },
    handler: (request) => change(request.user, request.params.user, false),
  })

  app.get('/v1/users/me/blocks', {
    schema: { summary: 'The users I block (nobody else sees this list)', tags, response: { 200: BlockList, ...failures } },
    handler: async (request) => ({ blocked: [...(await users.blocked(request.user))] }),
  })
}
