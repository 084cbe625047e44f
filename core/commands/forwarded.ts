import type { ValidCommand } from '../../schemas/index.js'
import { LogUnavailableError } from '../log/index.js'
import { AbandonedError, ContentionError, type HandleResult } from './command-handler.js'

/**
 * Where the process writing a partition takes the commands other processes
 * forward to it (one subject per partition). Versioned: in a rolling upgrade,
 * processes of another wire form do not take each other's commands.
 */
export const WRITES_SUBJECT = 'seqline.writes.v1'

export const writesSubject = (partition: number) => `${WRITES_SUBJECT}.${partition}`

/** A forwarded command, with how long its sender waits for the answer (ms): the writer drops it unexecuted once its turn comes later. */
export interface ForwardedRequest {
  command: ValidCommand
  waitMs: number
}

/** What the writing process answers: the handler's result (an event only as its stored JSON), or the kind of error it threw. */
export type ForwardedReply = { result: HandleResult } | { error: { kind: ErrorKind; message: string } }

type ErrorKind = 'unavailable' | 'contention' | 'abandoned' | 'failed'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeRequest(request: ForwardedRequest): Uint8Array {
  return encoder.encode(JSON.stringify(request))
}

/** The request as sent; the command in it is still to be validated. */
export function decodeRequest(data: Uint8Array): { command: unknown; waitMs: number } {
  const r = JSON.parse(decoder.decode(data)) as { command?: unknown; waitMs?: unknown }
  return { command: r.command, waitMs: typeof r.waitMs === 'number' ? r.waitMs : 0 }
}

export function encodeReply(reply: ForwardedReply): Uint8Array {
  // The event travels once: as the JSON the log stored, when the handler has it.
  if ('result' in reply && reply.result.ok && reply.result.json !== undefined) {
    const { event: _event, ...rest } = reply.result
    return encoder.encode(JSON.stringify({ result: rest }))
  }
  return encoder.encode(JSON.stringify(reply))
}

export function decodeReply(data: Uint8Array): ForwardedReply {
  const reply = JSON.parse(decoder.decode(data)) as ForwardedReply
  if ('result' in reply && reply.result.ok && reply.result.json !== undefined && reply.result.event === undefined)
    reply.result.event = JSON.parse(reply.result.json)
  return reply
}

/** The writing process's error, as the forwarding process's callers know it, so the API answers as if it were thrown here. */
export function errorOf({ kind, message }: { kind: ErrorKind; message: string }): Error {
  if (kind === 'unavailable') return new LogUnavailableError(message)
  if (kind === 'contention') return new ContentionError(message)
  if (kind === 'abandoned') return new AbandonedError(message)
  return new Error(`the process writing this partition failed the command: ${message}`)
}

export function kindOf(err: unknown): ErrorKind {
  if (err instanceof LogUnavailableError) return 'unavailable'
  if (err instanceof ContentionError) return 'contention'
  if (err instanceof AbandonedError) return 'abandoned'
  return 'failed'
}
