import type { CommandOf, EventDataOf } from '../../schemas/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { accept, type CommandMetadata, type Decision, reject, type TargetMessage } from './decision.js'
import { type Refusal, refuse } from './refusal.js'
import { mustBeWritable, mustHaveRank, OWNER_RANK } from './rules.js'
import type { ConversationState } from './state.js'

type Meta = { metadata: CommandMetadata }

export const DAY_MS = 24 * 3600 * 1000

/**
 * A conversation's own retention policy beats the default of its kind. The
 * service sets it on any conversation; a group's owner on their group. A
 * direct conversation has two equal members, so only the service decides for it.
 */
export function configureRetention(c: CommandOf<'retention.configure'>, s: ConversationState): Decision {
  const denied = mustBeWritable(s)
  if (denied) return reject(denied)
  if (c.actor !== SYSTEM_ACTOR) {
    if (s.kind === 'direct') return reject(refuse('FORBIDDEN_ROLE', "a direct conversation's retention is set by the service"))
    const notOwner = mustHaveRank(s, c.actor, OWNER_RANK, "only the owner sets a group's retention")
    if (notOwner) return reject(notOwner)
  }
  if (s.retention === c.data.days) return accept()
  return accept({ type: 'retention.configured', data: { days: c.data.days } })
}

/**
 * Seqline's own erasure of content: messages older than a retention cut-off,
 * or every message of one user. The tombstone names each target with all its
 * edits (from the state, so none is missed), and the burn-erase reactor, the
 * views and the history erase exactly those. Dissolved groups are erased too:
 * their history stays readable, so it is kept no longer than any other.
 * Targets already erased (or burned) are skipped, so a repeated or resumed
 * erasure writes nothing twice; one with nothing left writes nothing.
 */
export function eraseContent(c: CommandOf<'content.erase'> & Meta, s: ConversationState): Decision {
  if (c.actor !== SYSTEM_ACTOR) return reject(refuse('FORBIDDEN_ROLE', 'only Seqline erases content'))
  if (s.kind === 'none') return reject(refuse('CONVERSATION_NOT_FOUND'))
  const beyond = c.data.targets.find((seq) => seq > s.seq)
  if (beyond !== undefined) return reject(refuse('SEQ_OUT_OF_RANGE', `seq ${beyond} is beyond the head ${s.seq}`))
  const cutOff = c.data.reason === 'retention' ? mustBeOldEnough(c.data, c.metadata.now) : null
  if (cutOff) return reject(cutOff)
  const targets: EventDataOf<'content.erased'>['targets'] = []
  for (const seq of c.data.targets) {
    const gone = s.gone.get(seq)
    const found = c.metadata.contents?.get(seq)
    // Burned, erased, or no longer in the log (an erasing recall): nothing of it is left to erase.
    if (gone === 'burned' || gone === 'erased' || !found) continue
    const refusal = mayErase(c.data, found)
    if (refusal) return reject(refusal)
    const edits = s.edits.get(seq) ?? []
    targets.push({ seq, ...(edits.length ? { edits: [...edits] } : {}), ...(found.thread === undefined ? {} : { thread: found.thread }) })
  }
  if (targets.length === 0) return accept()
  return accept({ type: 'content.erased', data: { ...c.data, targets } })
}

/** A cut-off closer to now than the policy allows would erase content the policy keeps. */
function mustBeOldEnough(data: { days: number; before: number }, now: number): Refusal | null {
  const latest = now - data.days * DAY_MS
  return data.before > latest ? refuse('NOT_ERASABLE', `a ${data.days}-day policy erases nothing sent after ${new Date(latest).toISOString()}`) : null
}

function mayErase(data: CommandOf<'content.erase'>['data'], target: TargetMessage): Refusal | null {
  if (target.type !== 'message.sent') return refuse('NOT_ERASABLE', `seq ${target.seq} is a ${target.type}, not a message`)
  if (data.reason === 'user-erasure')
    return target.actor === data.user ? null : refuse('NOT_ERASABLE', `seq ${target.seq} was sent by ${target.actor}, not ${data.user}`)
  return target.at < data.before ? null : refuse('NOT_ERASABLE', `seq ${target.seq} was sent at ${new Date(target.at).toISOString()}, not before the cut-off`)
}
