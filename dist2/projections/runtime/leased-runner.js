/**
 * Runs a projection in at most one process at a time: the process holding the
 * lease runs it and renews the lease; the others stand by and take over when
 * it is released or expires (a crashed holder). Two runners writing the same
 * views would each commit batches the other then overwrites on recovery.
 */
export class LeasedRunner {
    lease;
    makeRunner;
    timer = null;
    active = false;
    stopped = false;
    busy = Promise.resolve();
    constructor(lease, makeRunner) {
        this.lease = lease;
        this.makeRunner = makeRunner;
    }
    runner = null;
    /** True while this process runs the projection. */
    get running() {
        return this.active;
    }
    get current() {
        return this.runner;
    }
    start() {
        return this.tick();
    }
    tick() {
        this.busy = this.busy.then(() => this.step()).catch(() => undefined);
        return this.busy.then(() => {
            if (!this.stopped)
                this.timer = setTimeout(() => void this.tick(), this.lease.ttlMs / 3);
        });
    }
    async step() {
        if (this.stopped)
            return;
        if (this.active) {
            if (await this.lease.renew())
                return;
            await this.deactivate();
            return;
        }
        if (!(await this.lease.acquire()))
            return;
        this.runner = await this.makeRunner();
        await this.runner.start();
        this.active = true;
    }
    async deactivate() {
        this.active = false;
        const runner = this.runner;
        this.runner = null;
        if (!runner)
            return;
        await runner.stop().catch(() => undefined);
        runner.close?.();
    }
    /** Stops running (committing what was applied) and releases the lease for a standby. */
    async stop() {
        this.stopped = true;
        if (this.timer)
            clearTimeout(this.timer);
        await this.busy;
        const wasActive = this.active;
        await this.deactivate();
        if (wasActive)
            await this.lease.release();
    }
}
//# sourceMappingURL=leased-runner.js.map