import type { ValidCommand } from '../../schemas/index.js'
import type { ConversationState, Role } from '../domain/index.js'

/** What a hook learns about the conversation besides the command: enough to judge, no member list. */
export interface HookContext {
  kind: ConversationState['kind']
  /** How many members the conversation has. */
  members: number
  /** The actor's role, null when the actor is not a member (a join, an invitation's first command, the system). */
  role: Role | null
}

/**
 * A hook's verdict on one command. `modify` carries the whole command with the hook's data, already
 * checked against the command's schema; `unavailable` is a failed call under `onFailure: "reject"`
 * (a failed call under `"allow"` is an `allow`).
 */
export type HookVerdict =
  | { action: 'allow' }
  | { action: 'modify'; command: ValidCommand }
  | { action: 'reject'; hook: string; code: string; message: string }
  | { action: 'unavailable'; hook: string; message: string }

/** One before-hook as the command handler sees it. Asking never throws: a failed call is already its verdict. */
export interface BeforeHook {
  readonly name: string
  ask(command: ValidCommand, context: HookContext): Promise<HookVerdict>
}

/**
 * The before-hooks in force, declared here so the handler stays free of I/O (the HTTP and KV side lives in
 * integrations/hooks). Asked between a successful decision and the append.
 */
export interface BeforeHooks {
  /** The hooks a command of this type goes through, in their order; empty for the many types nobody hooks. */
  for(type: ValidCommand['type']): readonly BeforeHook[]
}

export const contextOf = (state: ConversationState, actor: string): HookContext => ({
  kind: state.kind,
  members: state.members.size,
  role: state.members.get(actor)?.role ?? null,
})
