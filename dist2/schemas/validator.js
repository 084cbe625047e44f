import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { COMMAND_TYPES, commandSchemas } from './commands.js';
import { EVENT_TYPES, eventSchemas } from './events.js';
// ajv and ajv-formats are CommonJS; under ESM their constructor is the default export's default.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
/** Largest command accepted, as serialized JSON; bounds custom payloads and whole messages. */
export const MAX_COMMAND_BYTES = 64 * 1024;
/** The project's ajv: every error reported, tagged unions told apart, no silent coercion unless asked (query strings). */
export function createAjv(options = {}) {
    const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true, ...options });
    addFormats(ajv);
    return ajv;
}
const ajv = createAjv();
const commandValidators = new Map(COMMAND_TYPES.map((t) => [t, ajv.compile(commandSchemas[t])]));
const eventValidators = new Map(EVENT_TYPES.map((t) => [t, ajv.compile(eventSchemas[t])]));
export function validateCommand(input) {
    return validateTagged(input, commandValidators, 'command', COMMAND_TYPES);
}
export function validateEvent(input) {
    return validateTagged(input, eventValidators, 'event', EVENT_TYPES);
}
export function isCommandType(t) {
    return typeof t === 'string' && commandValidators.has(t);
}
export function isEventType(t) {
    return typeof t === 'string' && eventValidators.has(t);
}
function validateTagged(input, validators, what, known) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        return fail('', 'type', `a ${what} must be a JSON object`);
    }
    const type = input.type;
    const validate = typeof type === 'string' ? validators.get(type) : undefined;
    if (!validate) {
        return fail('/type', 'enum', `unknown ${what} type ${JSON.stringify(type)}; expected one of ${known.join(', ')}`);
    }
    if (!validate(input))
        return { ok: false, errors: (validate.errors ?? []).map(toFieldError) };
    if (what === 'command' && hasCustomPayload(input))
        return checkPayload(input);
    return { ok: true, value: input };
}
/**
 * Every field but a custom payload has a schema bound that keeps a command far
 * below MAX_COMMAND_BYTES, so only commands carrying one pay for measuring.
 */
function hasCustomPayload(command) {
    const content = command.data?.content;
    return content?.type === 'custom';
}
/** Nesting beyond this in a custom payload is refused: deep enough for any real card, far from the stack's limit. */
export const MAX_PAYLOAD_DEPTH = 32;
function checkPayload(command) {
    const payload = command.data.content.payload;
    if (depthOf(payload) > MAX_PAYLOAD_DEPTH) {
        return fail('/data/content/payload', 'maxDepth', `/data/content/payload must not nest deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    }
    if (Buffer.byteLength(JSON.stringify(command)) > MAX_COMMAND_BYTES) {
        return fail('', 'maxBytes', `a command must not exceed ${MAX_COMMAND_BYTES} bytes as JSON`);
    }
    return { ok: true, value: command };
}
/** Nesting depth of a JSON value, measured without recursion so that no input can exhaust the stack. */
function depthOf(value) {
    let deepest = 0;
    const stack = [[value, 1]];
    while (stack.length > 0) {
        const [v, depth] = stack.pop();
        if (typeof v !== 'object' || v === null)
            continue;
        deepest = Math.max(deepest, depth);
        if (deepest > MAX_PAYLOAD_DEPTH)
            return deepest;
        for (const child of Object.values(v))
            stack.push([child, depth + 1]);
    }
    return deepest;
}
function fail(field, rule, message) {
    return { ok: false, errors: [{ field, rule, message }] };
}
/** One ajv error as the project's field error: a JSON pointer, the rule, a message naming the field. */
export function toFieldError(e) {
    if (e.keyword === 'additionalProperties') {
        const extra = e.params.additionalProperty;
        return { field: `${e.instancePath}/${pointerToken(extra)}`, rule: 'additionalProperties', message: `unknown field ${extra}` };
    }
    if (e.keyword === 'required') {
        const missing = e.params.missingProperty;
        return { field: `${e.instancePath}/${missing}`, rule: 'required', message: `${missing} is required` };
    }
    const name = e.instancePath || 'the document';
    return { field: e.instancePath, rule: e.keyword, message: `${name} ${e.message ?? 'is invalid'}` };
}
/** An object key as one JSON pointer token (RFC 6901): the key of an unknown field is the client's, so it may hold '/' or '~'. */
function pointerToken(key) {
    return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
/** One line naming every failing field, for logs and error messages. */
export function describeErrors(errors) {
    return errors.map((e) => `${e.field || '/'}: ${e.message}`).join('; ');
}
//# sourceMappingURL=validator.js.map