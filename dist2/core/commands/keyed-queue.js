/**
 * Runs tasks one at a time per key and concurrently across keys: writes to one
 * conversation are serialized in this process, different conversations pipeline.
 * A key with nothing in flight starts its task at once, with no queue at all.
 */
export class KeyedQueue {
    waiting = new Map();
    async run(key, task) {
        const queue = this.waiting.get(key);
        if (queue)
            await new Promise((go) => queue.push(go));
        else
            this.waiting.set(key, []);
        try {
            return await task();
        }
        finally {
            this.next(key);
        }
    }
    next(key) {
        const queue = this.waiting.get(key);
        const go = queue.shift();
        if (go)
            go();
        else
            this.waiting.delete(key);
    }
    get active() {
        return this.waiting.size;
    }
}
//# sourceMappingURL=keyed-queue.js.map