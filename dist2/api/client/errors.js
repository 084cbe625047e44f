/** A refusal from Seqline (REST or socket), or a client-side failure: TIMEOUT, CLOSED, UNAUTHORIZED, NETWORK. */
export class SeqlineError extends Error {
    code;
    details;
    status;
    name = 'SeqlineError';
    constructor(code, message, details, 
    /** HTTP status for REST refusals. */
    status) {
        super(message);
        this.code = code;
        this.details = details;
        this.status = status;
    }
}
//# sourceMappingURL=errors.js.map