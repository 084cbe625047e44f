import type { ValidCommand } from '../../schemas/index.js'
import { LogUnavailableError } from '../log/index.js'
import { AbandonedError, ContentionError, type HandleResult } from './command-handler.js'

/** Where the process writing a partition takes the commands other processes forward to it (one subject per partition). */
export const WRITES_SUBJECT = 'seqline.writes'

export const writesSubject = (partition: number) => `${WRITES_SUBJECT}.${partition}`

/** What the writing process answers: the handler's result, or the kind of error it threw. */
export type ForwardedReply = { result: HandleResult } | { error: { kind: ErrorKind; message: string } }

type ErrorKind = 'unavailable' | 'contention' | 'abandoned' | 'failed'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeCommand(command: ValidCommand): Uint8Array {
  return encoder.encode(JSON.stringify(command))
}

export function decodeCommand(data: Uint8Array): ValidCommand {
  return JSON.parse(decoder.decode(data)) as ValidCommand
}

export function encodeReply(reply: ForwardedReply): Uint8Array {
  return encoder.encode(JSON.stringify(reply))
}

export function decodeReply(data: Uint8Array): ForwardedReply {
  return JSON.parse(decoder.decode(data)) as ForwardedReply
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
