import type { BeforeHook, HookContext, HookVerdict } from '../../core/commands/index.js'
import type { Logger } from '../../projections/runtime/index.js'
import type { ValidCommand } from '../../schemas/index.js'
import { postSigned } from '../outbound/index.js'
import { readAnswer } from './hook-answer.js'
import type { HookMetrics } from './hook-metrics.js'
import type { HookRecord } from './hook-store.js'

/**
 * One configured hook, asked over HTTP: the command and its context POSTed signed with the hook's
 * secret. Whatever goes wrong (timeout, refused connection, non-2xx, redirect, an answer that cannot
 * be used) is that hook's `onFailure`, never an exception.
 */
export class HttpHook implements BeforeHook {
  readonly name: string

  constructor(
    private readonly record: HookRecord,
    private readonly metrics: HookMetrics,
    private readonly logger: Logger,
  ) {
    this.name = record.name
  }

  async ask(command: ValidCommand, context: HookContext): Promise<HookVerdict> {
    const { type, id, actor, conv, data } = command
    const body = JSON.stringify({ type, id, actor, conv, data, context })
    const { url, secret, timeoutMs } = this.record
    const out = await postSigned({ url, secret, body, timeoutMs })
    if (!out.ok) return this.failed(out.failure, out.message, out.ms)
    const answer = readAnswer(out.body, command)
    if (answer.action === 'malformed') return this.failed('malformed', `${url}: ${answer.reason}`, out.ms)
    this.metrics.observe(this.name, answer.action, out.ms)
    if (answer.action === 'reject') return { action: 'reject', hook: this.name, code: answer.code, message: answer.message }
    return answer
  }

  private failed(failure: string, detail: string, ms: number): HookVerdict {
    this.metrics.observe(this.name, 'failure', ms)
    const { onFailure } = this.record
    // The detail names the hook's URL: for the operator's log, not for the client.
    this.logger.warn(
      { hook: this.name, failure, detail, onFailure },
      `before-hook ${this.name} failed (${failure}); the command is ${onFailure === 'allow' ? 'let through' : 'refused'}`,
    )
    if (onFailure === 'allow') return { action: 'allow' }
    return { action: 'unavailable', hook: this.name, message: `before-hook ${this.name} failed (${failure}) and refuses on failure; nothing was stored` }
  }
}
