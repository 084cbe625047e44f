import { SeqlineError } from './errors.js';
import { Ordering } from './ordering.js';
import { newCommandId, tokenOf } from './transport.js';
/** 4401: the token was refused (see CLOSE in schemas/ws.ts; repeated so the client needs no schema code at run time). */
const CLOSE_UNAUTHORIZED = 4401;
/** A client-side close: the server stopped answering. */
const CLOSE_UNRESPONSIVE = 4000;
/**
 * The live connection. On every (re)connect it syncs with the highest seq it
 * holds per conversation, so it receives exactly what it missed. Live events
 * can overlap a sync, so each event is deduplicated by (conv, seq) and held
 * back while an earlier seq is missing; a gap seen outside a sync (e.g. the
 * user was added to a group) triggers another sync. Commands wait for their
 * ack across reconnects and are re-sent with the same rid and command id,
 * which the server deduplicates.
 */
export class SeqlineSocket {
    options;
    ordering;
    listeners = {
        event: new Set(),
        erased: new Set(),
        typing: new Set(),
        synced: new Set(),
        open: new Set(),
        close: new Set(),
        error: new Set(),
    };
    pending = new Map();
    Ctor;
    socket = null;
    open = false;
    stopped = false;
    attempts = 0;
    authFailures = 0;
    syncing = false;
    gapsAfterSync = '';
    nextRid = 0;
    lastFrameAt = 0;
    keepalive = null;
    reconnectTimer = null;
    constructor(options) {
        this.options = options;
        const Ctor = options.WebSocket ?? globalThis.WebSocket;
        if (!Ctor)
            throw new Error('no WebSocket here: pass one (in Node 20: `import { WebSocket } from "ws"`)');
        this.Ctor = Ctor;
        this.ordering = new Ordering(options.have);
        void this.connect();
    }
    on(name, listener) {
        this.listeners[name].add(listener);
        return () => this.listeners[name].delete(listener);
    }
    /** Sends a command and resolves with its ack ({conv, seq, duplicate}); rejects with the server's refusal or TIMEOUT. */
    sendCommand(command) {
        if (this.stopped)
            return Promise.reject(new SeqlineError('CLOSED', 'the socket was closed'));
        const rid = `r${++this.nextRid}`;
        const frame = { type: 'command', rid, command: { ...command, id: command.id ?? newCommandId() } };
        return new Promise((resolve, reject) => {
            const timeoutMs = this.options.commandTimeoutMs ?? 10_000;
            const timer = setTimeout(() => this.settle(rid, new SeqlineError('TIMEOUT', `no ack for ${command.type} in ${timeoutMs} ms`)), timeoutMs);
            this.pending.set(rid, { frame, resolve, reject, timer });
            if (this.open)
                this.write(frame);
        });
    }
    /** Tells the other members the user is typing (dropped while disconnected: it is ephemeral). */
    typing(conv) {
        this.write({ type: 'typing', conv });
    }
    presence(status) {
        this.write({ type: 'presence', status });
    }
    /** Highest seq delivered per conversation; persist it and pass it as `have` to resume later. */
    positions() {
        return this.ordering.positions();
    }
    get connected() {
        return this.open;
    }
    /** Closes for good: no reconnect; commands still waiting are rejected. */
    close() {
        this.stopped = true;
        if (this.reconnectTimer)
            clearTimeout(this.reconnectTimer);
        this.drop(1000, 'closed by the client');
        this.emit('close', { code: 1000, reason: 'closed by the client', reconnecting: false });
        for (const rid of [...this.pending.keys()])
            this.settle(rid, new SeqlineError('CLOSED', 'the socket was closed'));
    }
    async connect() {
        let token;
        try {
            token = await tokenOf(this.options.token);
        }
        catch (err) {
            return this.closed(CLOSE_UNAUTHORIZED, `no token: ${err.message}`);
        }
        if (this.stopped)
            return;
        const url = `${this.options.url.replace(/^http/, 'ws').replace(/\/$/, '')}/v1/ws?token=${encodeURIComponent(token)}`;
        const socket = new this.Ctor(url);
        this.socket = socket;
        // Events of a socket this client has given up on are ignored.
        const current = () => this.socket === socket;
        socket.addEventListener('open', () => current() && this.opened());
        socket.addEventListener('message', (e) => current() && this.receive(String(e.data)));
        socket.addEventListener('close', (e) => current() && this.closed(e.code, e.reason));
        socket.addEventListener('error', () => undefined);
    }
    opened() {
        this.open = true;
        this.attempts = 0;
        this.lastFrameAt = Date.now();
        this.syncing = false;
        this.gapsAfterSync = '';
        this.sync();
        for (const p of this.pending.values())
            this.write(p.frame);
        this.startKeepalive();
        this.emit('open');
    }
    receive(text) {
        this.lastFrameAt = Date.now();
        let frame;
        try {
            frame = JSON.parse(text);
        }
        catch {
            return;
        }
        switch (frame.type) {
            case 'event':
                return this.deliver(this.ordering.push(frame.event), true);
            case 'erased':
                this.emit('erased', { conv: frame.conv, seqs: frame.seqs });
                return this.deliver(this.ordering.erase(frame.conv, frame.seqs), false);
            case 'synced':
                return this.synced();
            case 'ack':
                return this.settle(frame.rid, { conv: frame.conv, seq: frame.seq, duplicate: frame.duplicate });
            case 'error': {
                const err = new SeqlineError(frame.error.code, frame.error.message, frame.error.details);
                if (frame.rid !== undefined && this.pending.has(frame.rid))
                    return this.settle(frame.rid, err);
                return this.emit('error', err);
            }
            case 'typing':
                return this.emit('typing', { conv: frame.conv, user: frame.user });
            case 'pong':
                return;
        }
    }
    deliver(ready, mayOpenGap) {
        for (const event of ready)
            this.emit('event', event);
        // An event ahead of a gap outside a sync: ask for what is missing (a sync during one is checked when it ends).
        if (mayOpenGap && !this.syncing && this.ordering.gaps() !== '')
            this.sync();
    }
    synced() {
        this.syncing = false;
        this.authFailures = 0;
        this.emit('synced');
        // Gaps a sync did not fill are asked for once more, not in a loop.
        const gaps = this.ordering.gaps();
        if (gaps !== '' && gaps !== this.gapsAfterSync)
            this.sync();
        this.gapsAfterSync = gaps;
    }
    sync() {
        if (!this.open || this.syncing)
            return;
        this.syncing = true;
        this.write({ type: 'sync', have: this.ordering.positions() });
    }
    settle(rid, outcome) {
        const p = this.pending.get(rid);
        if (!p)
            return;
        this.pending.delete(rid);
        clearTimeout(p.timer);
        if (outcome instanceof SeqlineError)
            p.reject(outcome);
        else
            p.resolve(outcome);
    }
    closed(code, reason) {
        this.open = false;
        this.socket = null;
        this.stopKeepalive();
        if (code === CLOSE_UNAUTHORIZED)
            this.authFailures++;
        // A refused token is refused again unless a token function can give a new one; two refusals in a row end it.
        const hopeless = code === CLOSE_UNAUTHORIZED && (typeof this.options.token === 'string' || this.authFailures >= 2);
        const reconnecting = !this.stopped && !hopeless;
        this.emit('close', { code, reason, reconnecting });
        if (!reconnecting) {
            this.stopped = true;
            for (const rid of [...this.pending.keys()])
                this.settle(rid, new SeqlineError('UNAUTHORIZED', reason || 'the token was refused'));
            return;
        }
        const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 250, maxMs: 10_000 };
        const delay = Math.min(maxMs, initialMs * 2 ** this.attempts++) * (0.5 + Math.random() / 2);
        this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    }
    /** Gives up on the current socket at once (its later events are ignored). */
    drop(code, reason) {
        const socket = this.socket;
        this.socket = null;
        this.open = false;
        this.stopKeepalive();
        try {
            socket?.close(code, reason);
        }
        catch {
            // Already closing.
        }
    }
    startKeepalive() {
        const every = this.options.keepaliveMs ?? 25_000;
        this.keepalive = setInterval(() => {
            if (Date.now() - this.lastFrameAt <= 2 * every)
                return this.write({ type: 'ping' });
            this.drop(CLOSE_UNRESPONSIVE, 'no answer from the server');
            this.closed(CLOSE_UNRESPONSIVE, 'no answer from the server');
        }, every);
    }
    stopKeepalive() {
        if (this.keepalive)
            clearInterval(this.keepalive);
        this.keepalive = null;
    }
    write(frame) {
        if (!this.open || !this.socket)
            return;
        this.socket.send(JSON.stringify(frame));
    }
    emit(name, ...args) {
        for (const listener of this.listeners[name]) {
            try {
                ;
                listener(...args);
            }
            catch {
                // A listener's bug must not break delivery to the others or the protocol state.
            }
        }
    }
}
//# sourceMappingURL=socket.js.map