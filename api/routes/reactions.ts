import type Type from 'typebox'
import { ConvSeqParams, ErrorBody, MessageReactions, type SeqlineEvent } from '../../schemas/index.js'
import { mustSee, visibleTo } from '../authorize.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { CONVERSATION_READ_ERRORS } from '../openapi/index.js'
import type { Page } from '../pull.js'
import type { CommandRoute } from './commands.js'

const bySeq = { target: 'seq' }

/** Adding and removing one's reaction: commands like any other, the message named by the path, the key in the body. */
export const REACTION_ROUTES: CommandRoute[] = [
  {
    method: 'POST',
    url: '/v1/conversations/:conv/messages/:seq/reactions',
    type: 'reaction.add',
    params: ConvSeqParams,
    fromPath: bySeq,
    summary: 'React to a message with a key (an emoji or a short name); once per key',
  },
  {
    method: 'POST',
    url: '/v1/conversations/:conv/messages/:seq/reactions/remove',
    type: 'reaction.remove',
    params: ConvSeqParams,
    fromPath: bySeq,
    summary: 'Take back my reaction with a key',
  },
]

const tags = ['reads']
const failures = { '4xx': ErrorBody, '5xx': ErrorBody }

/** A message's reaction aggregates, from the reactions view. */
export function reactionRoutes(app: TypedApp, deps: ApiDeps): void {
  app.get('/v1/conversations/:conv/messages/:seq/reactions', {
    config: { errors: [...CONVERSATION_READ_ERRORS, 'SEQ_OUT_OF_RANGE'] },
    schema: {
      summary: 'Reaction counts per key on a message, whether I reacted with each, and the latest reactors (from the views)',
      tags,
      params: ConvSeqParams,
      response: { 200: MessageReactions, ...failures },
    },
    handler: async (request): Promise<Type.Static<typeof MessageReactions>> => {
      const { conv, seq } = request.params
      const visible = await visibleTo(deps, conv, request.user)
      mustSee(visible, seq, request.user)
      const found = await deps.views.reactions(conv, request.user, seq, seq)
      return { seq, reactions: found.get(seq) ?? [] }
    },
  })
}

/**
 * A page with the reaction aggregates of its messages that have any, for
 * its reader, from the views. A former member's page carries none: what others
 * did after the leave is no business of theirs.
 */
export async function withReactions(deps: Pick<ApiDeps, 'views'>, reader: string, page: Page, former: boolean): Promise<Page> {
  const messages = page.events.filter((e: SeqlineEvent) => e.type === 'message.sent').map((e) => e.seq)
  if (former || messages.length === 0) return page
  const found = await deps.views.reactions(page.conv, reader, messages[0]!, messages.at(-1)!)
  const reactions: NonNullable<Page['reactions']> = {}
  for (const seq of messages) {
    const counts = found.get(seq)
    if (counts) reactions[seq] = counts
  }
  return Object.keys(reactions).length > 0 ? { ...page, reactions } : page
}
