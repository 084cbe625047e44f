import type { CommandHandler } from '../../core/commands/index.js'
import { directConversationId } from '../../core/domain/index.js'
import type { CommandFrame, ServerFrame, SocketCommand } from '../../schemas/index.js'
import { withinLimits } from '../../schemas/index.js'
import { failureOf, toApiError } from '../errors.js'
import { errorFrame } from './frames.js'

/** The command sits at /command of the frame the client sent: errors point there. */
const inFrame = (field: string) => `/command${field}`

/**
 * Runs a frame's command as the socket's user; the answer is its ack or error
 * frame. The frame has passed its schema, which holds the command's, so the
 * command is not validated again: only the limits no schema states are checked.
 */
export async function answerCommand(handler: CommandHandler, user: string, { rid, command }: CommandFrame, gone: AbortSignal): Promise<ServerFrame> {
  const valid = withinLimits({ ...command, actor: user })
  if (!valid.ok) return errorFrame(failureOf({ ok: false, reason: 'invalid', errors: valid.errors }, inFrame)!, rid)
  try {
    const result = await handler.handle(valid.value, gone)
    // As over REST: opening a direct conversation that exists answers with it, not with a refusal.
    if (!result.ok && result.reason === 'refused' && result.refusal.code === 'ALREADY_EXISTS' && isOwnDirect(user, command)) {
      return { type: 'ack', rid, conv: command.conv, seq: (await handler.state(command.conv)).seq, duplicate: true }
    }
    if (!result.ok) return errorFrame(failureOf(result, inFrame)!, rid)
    return { type: 'ack', rid, conv: command.conv, seq: result.seq, duplicate: result.duplicate }
  } catch (err) {
    return errorFrame(toApiError(err), rid)
  }
}

function isOwnDirect(user: string, command: SocketCommand): boolean {
  return command.type === 'conversation.create-direct' && command.conv === directConversationId(user, command.data.peer)
}
