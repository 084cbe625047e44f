import { SeqlineError } from './errors.js';
import { newCommandId, tokenOf } from './transport.js';
/** Where the read endpoints live, in one place. */
export const READ_PATHS = {
    events: (conv) => `/v1/conversations/${conv}/events`,
    inbox: () => '/v1/inbox',
    receipts: (conv, seq) => `/v1/conversations/${conv}/messages/${seq}/receipts`,
};
/** Typed calls of the REST API, for the user the token names. */
export class RestClient {
    options;
    base;
    fetch;
    constructor(options) {
        this.options = options;
        this.base = options.url.replace(/\/$/, '');
        this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    }
    send(conv, content, opts = {}) {
        const { id, ...rest } = opts;
        return this.command('POST', `/v1/conversations/${conv}/messages`, { id, content, ...rest });
    }
    /** Shorthand for a text message. */
    text(conv, text, opts = {}) {
        return this.send(conv, { type: 'text', text }, opts);
    }
    edit(conv, seq, content, opts = {}) {
        return this.command('POST', `/v1/conversations/${conv}/messages/${seq}/edit`, { id: opts.id, content });
    }
    recall(conv, seq, opts = {}) {
        return this.command('POST', `/v1/conversations/${conv}/messages/${seq}/recall`, { ...opts });
    }
    /** Marks the conversation read up to a seq. */
    read(conv, upTo, opts = {}) {
        return this.command('POST', `/v1/conversations/${conv}/read`, { id: opts.id, upTo });
    }
    deleteForMe(conv, targets, opts = {}) {
        return this.command('POST', `/v1/conversations/${conv}/delete-for-me`, { id: opts.id, targets });
    }
    /** Burn after read on a direct conversation: messages sent from now on burn `seconds` after the recipient reads them. */
    configureBurn(conv, data, opts = {}) {
        return this.command('PUT', `/v1/conversations/${conv}/burn`, { id: opts.id, ...data });
    }
    /** Opens the direct conversation with a peer (created once, then returned). */
    openDirect(peer, opts = {}) {
        return this.command('POST', '/v1/conversations/direct', { id: opts.id, peer });
    }
    /** Creates a group; its id is `conv` when given, else derived from the command id. */
    createGroup(data, opts = {}) {
        return this.command('POST', '/v1/groups', { ...opts, ...data });
    }
    invite(conv, users, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/invite`, { id: opts.id, users });
    }
    join(conv, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/join`, { id: opts.id });
    }
    leave(conv, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/leave`, { id: opts.id });
    }
    kick(conv, user, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/members/${user}/kick`, { id: opts.id });
    }
    changeRole(conv, user, role, opts = {}) {
        return this.command('PUT', `/v1/groups/${conv}/members/${user}/role`, { id: opts.id, role });
    }
    transfer(conv, to, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/transfer`, { id: opts.id, to });
    }
    updateGroup(conv, info, opts = {}) {
        return this.command('PATCH', `/v1/groups/${conv}`, { id: opts.id, ...info });
    }
    muteGroup(conv, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/mute`, { id: opts.id });
    }
    unmuteGroup(conv, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/unmute`, { id: opts.id });
    }
    muteMember(conv, user, seconds, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/members/${user}/mute`, { id: opts.id, seconds });
    }
    unmuteMember(conv, user, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/members/${user}/unmute`, { id: opts.id });
    }
    dissolve(conv, opts = {}) {
        return this.command('POST', `/v1/groups/${conv}/dissolve`, { id: opts.id });
    }
    /** Events by seq range (erased seqs are absent). */
    async events(conv, range) {
        const query = new URLSearchParams({ from: String(range.from) });
        if (range.limit !== undefined)
            query.set('limit', String(range.limit));
        if (range.direction)
            query.set('direction', range.direction);
        const body = await this.request('GET', `${READ_PATHS.events(conv)}?${query}`);
        return body.events;
    }
    async inbox() {
        return this.request('GET', READ_PATHS.inbox());
    }
    receipts(conv, seq) {
        return this.request('GET', READ_PATHS.receipts(conv, seq));
    }
    /** A command endpoint: the id is generated once and kept across retries. */
    async command(method, path, body) {
        const withId = { ...body, id: body.id ?? newCommandId() };
        const attempts = this.options.attempts ?? 3;
        for (let attempt = 1;; attempt++) {
            try {
                return await this.request(method, path, withId);
            }
            catch (err) {
                const retriable = err instanceof SeqlineError && (err.code === 'NETWORK' || err.code === 'LOG_UNAVAILABLE' || err.code === 'CONTENTION');
                if (!retriable || attempt >= attempts)
                    throw err;
                await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
            }
        }
    }
    /** One call; a refusal becomes a SeqlineError with the server's code, message and details. */
    async request(method, path, body) {
        const headers = { authorization: `Bearer ${await tokenOf(this.options.token)}` };
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        let res;
        try {
            res = await this.fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        }
        catch (err) {
            throw new SeqlineError('NETWORK', `${method} ${path}: ${err.message}`);
        }
        const text = await res.text();
        const parsed = text ? JSON.parse(text) : undefined;
        if (res.ok)
            return parsed;
        const error = parsed?.error;
        throw new SeqlineError(error?.code ?? `HTTP_${res.status}`, error?.message ?? `${method} ${path}: HTTP ${res.status}`, error?.details, res.status);
    }
}
//# sourceMappingURL=rest.js.map