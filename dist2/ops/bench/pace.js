const TICK_MS = 5;
export function paced(rate, seconds, window, task) {
    const capacity = Math.max(1, rate / 10);
    const start = performance.now();
    let last = start;
    let lastDone = start;
    let tokens = 0;
    let issued = 0;
    let inFlight = 0;
    let stopped = false;
    let failure = null;
    return new Promise((resolve, reject) => {
        const settle = () => {
            if (!stopped || inFlight > 0)
                return;
            if (failure)
                reject(failure);
            else
                resolve({ issued, seconds: (lastDone - start) / 1000 });
        };
        const issue = () => {
            const i = issued++;
            inFlight++;
            task(i)
                .then(() => void (lastDone = performance.now()), (err) => void (failure ??= err))
                .finally(() => {
                inFlight--;
                settle();
            });
        };
        const timer = setInterval(() => {
            const now = performance.now();
            tokens = Math.min(capacity, tokens + ((now - last) / 1000) * rate);
            last = now;
            if (failure || now - start >= seconds * 1000) {
                stopped = true;
                clearInterval(timer);
                return settle();
            }
            for (; tokens >= 1 && inFlight < window; tokens--)
                issue();
        }, TICK_MS);
    });
}
//# sourceMappingURL=pace.js.map