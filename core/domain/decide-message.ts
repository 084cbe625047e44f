import type { CommandOf, EventDataOf } from '../../schemas/index.js'
import { EDITS_PER_MESSAGE, SYSTEM_ACTOR } from '../../schemas/index.js'
import { mustNotBeBlocked } from './blocking.js'
import { threadOf } from './decide-thread.js'
import { accept, type CommandMetadata, type Decision, reject, type TargetMessage } from './decision.js'
import type { Policy } from './policy.js'
import { type Refusal, refuse } from './refusal.js'
import { ADMIN_RANK, mustBeAllowedToPost, mustBeMember, mustBeSeenSeq, mustBeWritable, rankOf } from './rules.js'
import type { ConversationState } from './state.js'

type Meta = { metadata: CommandMetadata }

export function send(c: CommandOf<'message.send'> & Meta, s: ConversationState): Decision {
  const denied =
    mustBeAllowedToPost(s, c.actor, c.metadata.now) ??
    mustNotBeBlocked(s, c.metadata) ??
    (c.data.replyTo ? mustBeSeenSeq(s, c.data.replyTo) : null) ??
    checkMentions(c, s)
  if (denied) return reject(denied)
  const thread = c.data.thread === undefined ? undefined : threadOf(c.data.thread, c.metadata.target, s)
  if (thread && 'refusal' in thread) return reject(thread.refusal)
  const data: EventDataOf<'message.sent'> = { content: c.data.content }
  if (c.data.mentions) data.mentions = c.data.mentions
  if (c.data.replyTo) data.replyTo = c.data.replyTo
  if (thread) data.thread = thread.thread
  if (s.kind === 'direct' && s.burn.enabled) data.burnAfter = s.burn.seconds
  return accept({ type: 'message.sent', data })
}

function checkMentions(c: CommandOf<'message.send'>, s: ConversationState): Refusal | null {
  const stranger = c.data.mentions?.users?.find((u) => !s.members.has(u))
  if (stranger) return refuse('MENTION_NOT_MEMBER', stranger)
  if (!c.data.mentions?.all) return null
  if (s.kind !== 'group' && s.kind !== 'channel') return refuse('NOT_GROUP', '@all is for groups and channels')
  return rankOf(s, c.actor) < ADMIN_RANK ? refuse('FORBIDDEN_ROLE', 'only the owner and admins mention @all') : null
}

export function edit(c: CommandOf<'message.edit'> & Meta, s: ConversationState, policy: Policy): Decision {
  const denied = mustBeAllowedToPost(s, c.actor, c.metadata.now) ?? mustNotBeBlocked(s, c.metadata) ?? liveTarget(c.data.target, c.metadata.target, s)
  if (denied) return reject(denied)
  const target = c.metadata.target!
  if (target.actor !== c.actor) return reject(refuse('NOT_AUTHOR'))
  if (target.contentType !== 'text' && target.contentType !== 'custom') return reject(refuse('NOT_EDITABLE'))
  if (target.contentType !== c.data.content.type) {
    return reject(refuse('NOT_EDITABLE', `a ${target.contentType} message stays ${target.contentType}`))
  }
  // The tombstone that erases the message names every edit, and holds at most this many.
  const limit = Math.min(policy.maxEditsPerMessage, EDITS_PER_MESSAGE)
  if ((s.edits.get(target.seq)?.length ?? 0) >= limit) return reject(refuse('EDIT_LIMIT', `message ${target.seq}: ${limit} edits`))
  return accept({ type: 'message.edited', data: { target: target.seq, content: c.data.content } })
}

export function recall(c: CommandOf<'message.recall'> & Meta, s: ConversationState, policy: Policy): Decision {
  const denied = mustBeWritable(s) ?? mustBeMember(s, c.actor) ?? liveTarget(c.data.target, c.metadata.target, s)
  if (denied) return reject(denied)
  const target = c.metadata.target!
  const refusal = mayRecall(c.actor, target, s, c.metadata.now, policy)
  if (refusal) return reject(refusal)
  const thread = target.thread === undefined ? {} : { thread: target.thread }
  if (!c.data.erase) return accept({ type: 'message.recalled', data: { target: target.seq, erase: false, ...thread } })
  // Its edits hold its text too: the event names them, so the projection erases them and an audit sees why they are gone.
  const edits = [...(c.metadata.edits ?? [])].filter(([, of]) => of === target.seq).map(([seq]) => seq)
  return accept({ type: 'message.recalled', data: { target: target.seq, erase: true, ...(edits.length ? { edits } : {}), ...thread } })
}

/** Owner and admins recall messages of lower roles at any time; authors recall their own within the window. */
function mayRecall(actor: string, target: TargetMessage, s: ConversationState, now: number, policy: Policy): Refusal | null {
  const rank = rankOf(s, actor)
  if (s.kind !== 'direct' && rank >= ADMIN_RANK && (actor === target.actor || rank > rankOf(s, target.actor))) return null
  if (actor === SYSTEM_ACTOR) return null
  if (actor !== target.actor) return refuse('FORBIDDEN_ROLE', 'only the author, or a higher role in a group, recalls a message')
  const deadline = target.at + policy.recallWindowSeconds * 1000
  return now > deadline ? refuse('RECALL_WINDOW_PASSED', `the window closed at ${new Date(deadline).toISOString()}`) : null
}

/** Burn is Seqline's own act, issued by the burn executor once the read and the delay have passed. */
export function burn(c: CommandOf<'message.burn'> & Meta, s: ConversationState): Decision {
  if (c.actor !== SYSTEM_ACTOR) return reject(refuse('FORBIDDEN_ROLE', 'only Seqline burns messages'))
  const denied = mustBeWritable(s) ?? mustBeSeenSeq(s, c.data.target)
  if (denied) return reject(denied)
  // Erased by a retention policy or a user erasure meanwhile: nothing is left to burn.
  const gone = s.gone.get(c.data.target)
  if (gone === 'burned' || gone === 'erased') return accept()
  const target = c.metadata.target
  if (target?.type !== 'message.sent') return reject(refuse('TARGET_NOT_FOUND', `seq ${c.data.target}`))
  if (!target.burnAfter) return reject(refuse('NOT_BURNABLE'))
  const edits = c.data.edits ?? []
  const stray = edits.find((seq) => seq <= target.seq || seq > s.seq)
  if (stray !== undefined) return reject(refuse('SEQ_OUT_OF_RANGE', `edit seq ${stray} is not after the message and up to the head`))
  // The projection erases every listed seq: only real edits of this message may be listed.
  const foreign = edits.find((seq) => c.metadata.edits?.get(seq) !== target.seq)
  if (foreign !== undefined) return reject(refuse('TARGET_NOT_FOUND', `seq ${foreign} is not an edit of message ${target.seq}`))
  const thread = target.thread === undefined ? {} : { thread: target.thread }
  return accept({ type: 'message.burned', data: { target: target.seq, ...(edits.length ? { edits } : {}), ...thread } })
}

/** The target is a message of the log that is still live; shared by every command that acts on one. */
export function liveTarget(seq: number, target: TargetMessage | null | undefined, s: ConversationState): Refusal | null {
  if (seq > s.seq || !target || target.type !== 'message.sent') return refuse('TARGET_NOT_FOUND', `seq ${seq}`)
  return s.gone.has(seq) ? refuse('TARGET_GONE', `seq ${seq} was ${s.gone.get(seq)}`) : null
}
