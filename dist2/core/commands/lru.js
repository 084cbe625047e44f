/** A bounded map that forgets the least recently used entry first. */
export class Lru {
    capacity;
    map = new Map();
    constructor(capacity) {
        this.capacity = capacity;
    }
    get(key) {
        const v = this.map.get(key);
        if (v === undefined)
            return undefined;
        this.map.delete(key);
        this.map.set(key, v);
        return v;
    }
    set(key, value) {
        this.map.delete(key);
        this.map.set(key, value);
        if (this.map.size > this.capacity)
            this.map.delete(this.map.keys().next().value);
    }
    delete(key) {
        this.map.delete(key);
    }
    get size() {
        return this.map.size;
    }
}
//# sourceMappingURL=lru.js.map