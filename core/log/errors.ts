/** An event that breaks its schema: it never enters the log, whatever wrote it. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError'
}

/** The log could not answer in time (a stream without a leader, a server gone); for an append the outcome is unknown, and a retry with the same command id is safe. */
export class LogUnavailableError extends Error {
  override readonly name = 'LogUnavailableError'
}

/** The log was laid out with another partition count than configured: conversations would hash elsewhere and their history would vanish. */
export class LogLayoutError extends Error {
  override readonly name = 'LogLayoutError'
}
