/**
 * Failed authentications per client IP, in a one-minute window. Requests that
 * fail to authenticate are refused before the rate limiter counts them, so
 * without this anyone could guess at credentials as fast as they liked.
 */
export class AuthFailures {
    perMinute;
    clock;
    windows = new Map();
    constructor(perMinute, clock = Date.now) {
        this.perMinute = perMinute;
        this.clock = clock;
    }
    /** True when the IP has used up its failures for this minute. */
    blocked(ip) {
        const w = this.windows.get(ip);
        return w !== undefined && this.clock() - w.start < 60_000 && w.count >= this.perMinute;
    }
    record(ip) {
        const now = this.clock();
        const w = this.windows.get(ip);
        if (!w || now - w.start >= 60_000)
            this.windows.set(ip, { start: now, count: 1 });
        else
            w.count++;
        if (this.windows.size > 100_000)
            this.forgetOld(now);
    }
    forgetOld(now) {
        for (const [ip, w] of this.windows)
            if (now - w.start >= 60_000)
                this.windows.delete(ip);
    }
}
//# sourceMappingURL=failures.js.map