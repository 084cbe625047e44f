/** A refusal from Seqline (REST or socket), or a client-side failure: TIMEOUT, CLOSED, UNAUTHORIZED, NETWORK, STORE (a position or outbox store failed). */
export class SeqlineError extends Error {
  override readonly name = 'SeqlineError'
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** HTTP status for REST refusals. */
    readonly status?: number,
  ) {
    super(message)
  }
}
