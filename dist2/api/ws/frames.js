import { createAjv, toFieldError } from '../../schemas/validator.js';
import { ClientFrame, SOCKET_COMMAND_TYPES } from '../../schemas/ws.js';
import { ApiError, validationFailed } from '../errors.js';
const validate = createAjv().compile(ClientFrame);
const FRAME_TYPES = ['command', 'sync', 'typing', 'presence', 'ping'];
/** A frame as received, checked against its schema; the error names every offending field. */
export function parseFrame(data, isBinary) {
    if (isBinary)
        return { ok: false, error: new ApiError(400, 'MALFORMED_JSON', 'frames are JSON text messages, not binary') };
    let value;
    try {
        value = JSON.parse(textOf(data));
    }
    catch {
        return { ok: false, error: new ApiError(400, 'MALFORMED_JSON', 'the frame is not valid JSON') };
    }
    if (validate(value))
        return { ok: true, frame: value };
    return { ok: false, error: validationFailed(fieldErrors(validate.errors ?? [])), rid: ridOf(value) };
}
export const encode = (frame) => JSON.stringify(frame);
/** The error frame of an ApiError, echoing the request id when there is one. */
export function errorFrame(err, rid) {
    const error = { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
    return rid === undefined ? { type: 'error', error } : { type: 'error', rid, error };
}
function textOf(data) {
    if (Array.isArray(data))
        return Buffer.concat(data).toString('utf8');
    return Buffer.from(data).toString('utf8');
}
/** A bad frame's rid, if readable, so the client can fail that one request instead of waiting for its timeout. */
function ridOf(value) {
    const rid = value?.rid;
    return typeof rid === 'string' && rid.length > 0 && rid.length <= 128 ? rid : undefined;
}
/** ajv's errors as the project's field errors (JSON pointers), one per problem. */
function fieldErrors(errors) {
    const out = [];
    for (const e of errors) {
        const f = fieldError(e);
        // A missing or non-string tag is reported twice by ajv (required/type, then discriminator); keep the first.
        if (f && !out.some((o) => o.field === f.field))
            out.push(f);
    }
    return out;
}
function fieldError(e) {
    if (e.keyword !== 'discriminator')
        return toFieldError(e);
    const params = e.params;
    const field = `${e.instancePath}/${String(params.tag)}`;
    if (params.error !== 'mapping')
        return { field, rule: e.keyword, message: `${field} must be a string` };
    const [what, known] = e.instancePath === '' ? ['frame', FRAME_TYPES] : ['command', SOCKET_COMMAND_TYPES];
    return { field, rule: 'enum', message: `unknown ${what} type ${JSON.stringify(params.tagValue)}; expected one of ${known.join(', ')}` };
}
//# sourceMappingURL=frames.js.map