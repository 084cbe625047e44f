import { follow } from '../../core/log/follow.js';
import { lagBehind } from '../runtime/lag.js';
import { HistoryBatch } from './batch.js';
import { HistoryWriter } from './history-writer.js';
import { migrate } from './migrations.js';
/**
 * The history projection: follows the log from where the history tables end
 * and writes it to ClickHouse in batches. Following waits while a full batch
 * is written, so memory stays bounded by one batch in flight and one filling.
 */
export class HistorySink {
    log;
    db;
    follower = null;
    batch = new HistoryBatch();
    written = { hidden: {}, messages: {}, events: {} };
    flushing = Promise.resolve();
    timer = null;
    failed = null;
    writer;
    flushEvery;
    flushIntervalMs;
    constructor(log, db, opts = {}) {
        this.log = log;
        this.db = db;
        this.writer = new HistoryWriter(db);
        this.flushEvery = opts.flushEvery ?? 5000;
        this.flushIntervalMs = opts.flushIntervalMs ?? 200;
    }
    async start() {
        await migrate(this.db);
        this.written = await this.writer.written();
        this.follower = await follow(this.log, { ...this.written.events }, (f) => this.handle(f));
        this.follower.done.catch((err) => (this.failed = err));
    }
    async handle(f) {
        this.batch.add(f);
        if (this.batch.size >= this.flushEvery)
            return this.flush();
        this.timer ??= setTimeout(() => void this.flush().catch((err) => (this.failed = err)), this.flushIntervalMs);
    }
    /** Writes what was followed so far. One write at a time, in log order. */
    flush() {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
        const batch = this.batch;
        this.batch = new HistoryBatch();
        this.flushing = this.flushing.then(() => (batch.size > 0 ? this.writer.write(batch, this.written) : undefined));
        return this.flushing;
    }
    /** How far the history tables reach in the log, per partition. */
    get position() {
        return { ...this.written.events };
    }
    /** The error that stopped the sink, if any. */
    get error() {
        return this.failed;
    }
    lag() {
        return lagBehind(this.log, this.position);
    }
    /** Stops following after writing what was followed. */
    async stop() {
        await this.follower?.stop();
        this.follower = null;
        await this.flush();
    }
    /** Empties the history and replays the whole log into it. */
    async rebuild() {
        await this.stop();
        await this.writer.clear();
        await this.start();
    }
}
//# sourceMappingURL=sink.js.map