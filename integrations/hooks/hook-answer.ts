import { type ValidCommand, validateCommand } from '../../schemas/index.js'

/** A hook's answer as Seqline reads it: one of the three actions, or why it cannot be used. */
export type HookAnswer =
  | { action: 'allow' }
  | { action: 'reject'; code: string; message: string }
  | { action: 'modify'; command: ValidCommand }
  | { action: 'malformed'; reason: string }

const CODE = /^[A-Za-z0-9_.-]{1,64}$/
const MAX_MESSAGE = 1024

/**
 * Reads `{"action":"allow"}`, `{"action":"reject","code","message"}` or `{"action":"modify","data"}`.
 * A rewrite must hold to the command's schema with its new data, like a command a client sends.
 */
export function readAnswer(body: string, command: ValidCommand): HookAnswer {
  let answer: unknown
  try {
    answer = JSON.parse(body)
  } catch {
    return { action: 'malformed', reason: 'the answer is not JSON' }
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return { action: 'malformed', reason: 'the answer is not a JSON object' }
  const a = answer as { action?: unknown; code?: unknown; message?: unknown; data?: unknown }
  if (a.action === 'allow') return { action: 'allow' }
  if (a.action === 'reject') return rejection(a.code, a.message)
  if (a.action === 'modify') return rewrite(command, a.data)
  return { action: 'malformed', reason: `action ${JSON.stringify(a.action)} is not allow, reject or modify` }
}

function rejection(code: unknown, message: unknown): HookAnswer {
  if (typeof code !== 'string' || !CODE.test(code)) return { action: 'malformed', reason: 'a reject needs a code of 1-64 of A-Z a-z 0-9 _ . -' }
  if (typeof message !== 'string' || message.length === 0 || message.length > MAX_MESSAGE)
    return { action: 'malformed', reason: `a reject needs a message of 1-${MAX_MESSAGE} characters` }
  return { action: 'reject', code, message }
}

function rewrite(command: ValidCommand, data: unknown): HookAnswer {
  const { type, id, conv, actor } = command
  const checked = validateCommand({ type, id, conv, actor, data })
  if (checked.ok) return { action: 'modify', command: checked.value }
  const errors = checked.errors.map((e) => `${e.field || '/'}: ${e.message}`).join('; ')
  return { action: 'malformed', reason: `the modified command breaks its schema: ${errors}` }
}
