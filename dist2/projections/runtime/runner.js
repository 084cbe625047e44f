import { follow } from '../../core/log/follow.js';
import { CommitLog } from './commit-log.js';
import { lagBehind } from './lag.js';
/**
 * Runs one projection: follows the log from its last commit, applies events
 * in memory, and flushes in batches — the batch and its cursor go to the
 * commit log first, then to KV — so a restart resumes at exactly the last
 * committed position with views that reflect exactly that position.
 */
export class ProjectionRunner {
    log;
    store;
    projection;
    commits;
    follower = null;
    cursor = {};
    unflushed = 0;
    inFlight = 0;
    gate = null;
    idle = null;
    flushing = Promise.resolve();
    timer = null;
    failed = null;
    committed = {};
    flushEvery;
    flushIntervalMs;
    cacheRecords;
    constructor(log, store, projection, commits, opts) {
        this.log = log;
        this.store = store;
        this.projection = projection;
        this.commits = commits;
        this.flushEvery = opts.flushEvery ?? 2000;
        this.flushIntervalMs = opts.flushIntervalMs ?? 100;
        this.cacheRecords = opts.cacheRecords ?? 100_000;
    }
    static async create(log, store, projection, opts = {}) {
        return new ProjectionRunner(log, store, projection, await CommitLog.open(log.nc, projection.name, opts.replicas), opts);
    }
    /** Recovers the last commit into KV, then follows the log from its cursor. */
    async start() {
        const last = await this.commits.last();
        if (last)
            await this.store.write(last.records);
        this.cursor = { ...(last?.cursor ?? {}) };
        this.follower = await follow(this.log, this.cursor, (f) => this.handle(f));
        this.follower.done.catch((err) => (this.failed = err));
    }
    async handle(f) {
        while (this.gate)
            await this.gate;
        this.inFlight++;
        try {
            await this.projection.apply(f, this.store);
            this.cursor[f.partition] = f.streamSeq;
        }
        finally {
            this.inFlight--;
            if (this.inFlight === 0)
                this.idle?.();
        }
        this.unflushed++;
        if (this.unflushed >= this.flushEvery)
            await this.flush();
        else
            this.timer ??= setTimeout(() => void this.flush().catch((err) => (this.failed = err)), this.flushIntervalMs);
    }
    /** The error that stopped the runner, if any. */
    get error() {
        return this.failed;
    }
    get position() {
        return { ...this.cursor };
    }
    /** Commits what was applied. One flush at a time; applying pauses only while the batch is taken. */
    flush() {
        this.flushing = this.flushing.then(() => this.commitBatch());
        return this.flushing;
    }
    async commitBatch() {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
        const batch = await this.takeBatch();
        if (batch.records.length === 0 && sameCursor(batch.cursor, this.committed))
            return;
        await this.commits.commit(batch);
        await this.store.write(batch.records);
        this.committed = batch.cursor;
        this.store.trim(this.cacheRecords);
    }
    /** Waits until no event is half applied, then takes the changed records and the cursor together. */
    async takeBatch() {
        let open;
        this.gate = new Promise((resolve) => (open = resolve));
        if (this.inFlight > 0)
            await new Promise((resolve) => (this.idle = resolve));
        this.idle = null;
        try {
            this.unflushed = 0;
            return { cursor: { ...this.cursor }, records: this.store.snapshot() };
        }
        finally {
            this.gate = null;
            open();
        }
    }
    /** How far behind the log the projection is, by what it has applied. */
    lag() {
        return lagBehind(this.log, this.position);
    }
    /** Stops following after committing what was applied. */
    async stop() {
        await this.follower?.stop();
        this.follower = null;
        await this.flush();
    }
    /** Drops every record and commit, then replays the log from its first event. */
    async rebuild() {
        await this.stop();
        await this.commits.reset();
        await this.store.clear();
        this.committed = {};
        await this.start();
    }
    close() {
        this.commits.close();
    }
}
function sameCursor(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}
//# sourceMappingURL=runner.js.map