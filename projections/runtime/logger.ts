/**
 * What the runtime logs through: the subset of pino's API it uses, so the
 * API's pino logger (or a child of it) is passed in as it is.
 */
export interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined }

const LEVELS = { silent: 100, fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10 } as const

/** JSON lines on stderr in pino's shape (level, time, msg and fields), for a process that has no pino logger yet. */
export function jsonLogger(level: keyof typeof LEVELS = 'info', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const at = (name: 'info' | 'warn' | 'error') => (obj: object, msg?: string) => {
    if (LEVELS[name] < LEVELS[level]) return
    const fields = 'err' in obj ? { ...obj, err: describe((obj as { err: unknown }).err) } : obj
    write(`${JSON.stringify({ level: LEVELS[name], time: Date.now(), ...fields, ...(msg ? { msg } : {}) })}\n`)
  }
  return { info: at('info'), warn: at('warn'), error: at('error') }
}

function describe(err: unknown) {
  return err instanceof Error ? { type: err.name, message: err.message, stack: err.stack } : { message: String(err) }
}
