import { directConversationId } from '../../core/domain/direct-id.js';
import { CLOSE } from '../../schemas/ws.js';
import { ApiError, failureOf, toApiError } from '../errors.js';
import { encode, errorFrame, parseFrame } from './frames.js';
import { Membership } from './membership.js';
import { pooled, syncConversation } from './sync.js';
/** Output above this makes a sync wait for the socket to drain, so a large sync never floods memory. */
const SYNC_HIGH_WATER = 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Counts hits in fixed windows; says when a window holds more than its limit. */
export class WindowCounter {
    limit;
    windowMs;
    start = 0;
    count = 0;
    constructor(limit, windowMs) {
        this.limit = limit;
        this.windowMs = windowMs;
    }
    /** Counts one hit; true when this window is now over the limit. */
    hit(now = Date.now()) {
        if (now - this.start >= this.windowMs) {
            this.start = now;
            this.count = 0;
        }
        return ++this.count > this.limit;
    }
}
/** One authenticated connection: its frames, its memberships, its share of the live stream. */
export class Session {
    socket;
    user;
    ctx;
    alive = true;
    closed = false;
    membership;
    ready;
    syncRunning = false;
    nextSync = null;
    badFrames;
    commandRate;
    typingAt = new Map();
    expiry = null;
    constructor(socket, user, expiresAt, ctx) {
        this.socket = socket;
        this.user = user;
        this.ctx = ctx;
        const o = ctx.options;
        this.membership = new Membership(user);
        this.badFrames = new WindowCounter(o.badFrameLimit, o.badFrameWindowMs);
        this.commandRate = new WindowCounter(o.commandsPerMinute ?? ctx.deps.limits.rateLimitPerMinute, 60_000);
        if (expiresAt !== undefined)
            this.expireAt(expiresAt);
        // Listeners go on before anything is awaited, so no early frame is lost.
        socket.on('message', (data, isBinary) => this.receive(data, isBinary));
        socket.on('pong', () => {
            this.alive = true;
        });
        socket.on('close', () => this.cleanup());
        ctx.hub.add(this);
        this.ready = this.seed();
    }
    /** Closes the socket when its token expires (re-armed for expiries beyond what one timer can wait). */
    expireAt(expiresAt) {
        const wait = expiresAt - Date.now();
        this.expiry =
            wait > MAX_TIMER_MS
                ? setTimeout(() => this.expireAt(expiresAt), MAX_TIMER_MS)
                : setTimeout(() => this.close(CLOSE.UNAUTHORIZED, 'token expired'), Math.max(0, wait));
    }
    /** Called every heartbeat: a connection that did not answer the last ping is gone. */
    heartbeat() {
        if (!this.alive)
            return this.socket.terminate();
        this.alive = false;
        this.socket.ping();
    }
    terminate() {
        this.socket.terminate();
    }
    close(code, reason) {
        this.socket.close(code, reason);
    }
    send(frame) {
        if (this.closed || this.socket.readyState !== this.socket.OPEN)
            return;
        // A client that cannot keep up is dropped rather than buffered without bound; it resyncs when it reconnects.
        if (this.socket.bufferedAmount > this.ctx.options.maxBufferedBytes)
            return this.socket.terminate();
        this.socket.send(frame);
    }
    live(event, frame) {
        const was = this.membership.isMember(event.conv);
        const now = this.membership.apply(event);
        if (now !== null)
            this.ctx.hub.index(this, event.conv, now);
        // Joining, the user gets the event that added them; leaving, the one that removed them; then nothing.
        if (was || now === true)
            this.send(frame);
    }
    /** The user's conversations from the inbox view: current members get live events, former ones only sync. */
    async seed() {
        try {
            // Everything after this position reaches the session live; everything before must be in the views.
            if (!(await this.viewsReach(this.ctx.hub.position()))) {
                this.close(CLOSE.UNAVAILABLE, 'the views are behind the log; reconnect shortly');
                return false;
            }
            const rows = await this.ctx.deps.views.inbox(this.user);
            if (this.closed)
                return false;
            for (const row of rows) {
                this.membership.seed(row.conv, row.left === undefined, row.left ?? row.maxSeq);
                if (this.membership.isMember(row.conv))
                    this.ctx.hub.index(this, row.conv, true);
            }
            return true;
        }
        catch {
            this.close(CLOSE.UNAVAILABLE, 'conversations unavailable; reconnect later');
            return false;
        }
    }
    /** Waits (bounded) until the projection has committed at least up to the live stream's position. */
    async viewsReach(position) {
        const deadline = Date.now() + this.ctx.options.viewsWaitMs;
        for (;;) {
            const reach = (await this.ctx.deps.views.reach()) ?? {};
            if (Object.entries(position).every(([p, seq]) => (reach[Number(p)] ?? 0) >= seq))
                return true;
            if (this.closed || Date.now() > deadline)
                return false;
            await new Promise((r) => setTimeout(r, 20));
        }
    }
    receive(data, isBinary) {
        const parsed = parseFrame(data, isBinary);
        if (!parsed.ok)
            return this.badFrame(parsed.error, parsed.rid);
        const frame = parsed.frame;
        if (frame.type === 'ping')
            return this.sendFrame({ type: 'pong' });
        this.ready
            .then((ok) => (ok ? this.dispatch(frame) : undefined))
            .catch((err) => this.sendFrame(errorFrame(toApiError(err))));
    }
    badFrame(error, rid) {
        this.sendFrame(errorFrame(error, rid));
        if (this.badFrames.hit())
            this.close(CLOSE.POLICY, 'too many bad frames');
    }
    async dispatch(frame) {
        switch (frame.type) {
            case 'command':
                return this.command(frame);
            case 'sync':
                return this.queueSync(frame.have);
            case 'typing':
                return this.typing(frame.conv);
            case 'presence':
                return this.ctx.hub.publishPresence(this.user, frame.status);
        }
    }
    async command({ rid, command }) {
        if (this.commandRate.hit())
            return this.sendFrame(errorFrame(new ApiError(429, 'RATE_LIMITED', 'too many commands on this connection; slow down'), rid));
        const { handler } = this.ctx.deps;
        try {
            const result = await handler.execute({ ...command, actor: this.user });
            // As over REST: opening a direct conversation that exists answers with it, not with a refusal.
            if (!result.ok && result.reason === 'refused' && result.refusal.code === 'ALREADY_EXISTS' && this.isOwnDirect(command)) {
                return this.sendFrame({ type: 'ack', rid, conv: command.conv, seq: (await handler.state(command.conv)).seq, duplicate: true });
            }
            if (!result.ok)
                return this.sendFrame(errorFrame(failureOf(result), rid));
            this.sendFrame({ type: 'ack', rid, conv: command.conv, seq: result.seq, duplicate: result.duplicate });
        }
        catch (err) {
            this.sendFrame(errorFrame(toApiError(err), rid));
        }
    }
    isOwnDirect(command) {
        return command.type === 'conversation.create-direct' && command.conv === directConversationId(this.user, command.data.peer);
    }
    /**
     * One sync at a time per connection: a request that arrives while one runs
     * replaces any other waiting request, and runs once after it. Repeated sync
     * frames cannot make the server re-read the log over and over.
     */
    queueSync(have) {
        if (this.syncRunning) {
            this.nextSync = have;
            return;
        }
        this.syncRunning = true;
        void (async () => {
            for (let next = have; next; next = this.takeNextSync())
                await this.sync(next);
            this.syncRunning = false;
        })();
    }
    takeNextSync() {
        const next = this.nextSync;
        this.nextSync = null;
        return next;
    }
    /** Every event the client misses, conversation by conversation, then `synced`. */
    async sync(have) {
        const { log } = this.ctx.deps;
        const emit = (frame) => this.paced(frame);
        try {
            const live = this.ctx.hub.position();
            await pooled(this.membership.targets(), this.ctx.options.syncConcurrency, async ([conv, last]) => {
                if (!this.closed)
                    await syncConversation(log, conv, (have[conv] ?? 0) + 1, last, emit, live[log.partitionOf(conv)] ?? 0);
            });
            this.sendFrame({ type: 'synced' });
        }
        catch {
            // The client cannot tell what it got; a reconnect gives it a fresh sync.
            if (!this.closed)
                this.close(CLOSE.UNAVAILABLE, 'sync failed; reconnect');
        }
    }
    typing(conv) {
        if (!this.membership.isMember(conv))
            return this.sendFrame(errorFrame(new ApiError(403, 'NOT_MEMBER', `${this.user} is not a member of ${conv}`)));
        const now = Date.now();
        if (now - (this.typingAt.get(conv) ?? 0) < this.ctx.options.typingIntervalMs)
            return;
        this.typingAt.set(conv, now);
        this.ctx.hub.publishTyping(conv, this.user);
    }
    sendFrame(frame) {
        this.send(encode(frame));
    }
    /** Sends, first waiting while the socket holds more than the high-water mark; throws once closed, which ends the sync. */
    async paced(frame) {
        while (!this.closed && this.socket.bufferedAmount > SYNC_HIGH_WATER)
            await new Promise((r) => setTimeout(r, 10));
        if (this.closed)
            throw new Error('closed during sync');
        this.sendFrame(frame);
    }
    cleanup() {
        if (this.closed)
            return;
        this.closed = true;
        if (this.expiry)
            clearTimeout(this.expiry);
        this.ctx.hub.remove(this, this.membership.current());
        this.ctx.closed(this);
    }
}
//# sourceMappingURL=session.js.map