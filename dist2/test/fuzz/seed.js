import fc from 'fast-check';
/**
 * Seeds and run counts of the fuzz tests. By default a fixed seed, so that a
 * run is reproducible; FUZZ_SEED=<n> replays a seed (with FUZZ_PATH=<path> the
 * very counterexample fast-check printed), FUZZ_SEED=random explores, and
 * FUZZ_RUNS scales the number of runs.
 */
export function fuzzSeed(fallback) {
    const given = process.env.FUZZ_SEED;
    if (given === 'random')
        return (Date.now() ^ (process.pid << 16)) | 0;
    if (given !== undefined && given !== '') {
        const seed = Number(given);
        if (!Number.isInteger(seed))
            throw new Error(`FUZZ_SEED must be an integer or "random", not ${given}`);
        return seed;
    }
    return fallback;
}
export function fuzzRuns(fallback) {
    const given = Number(process.env.FUZZ_RUNS);
    return Number.isInteger(given) && given > 0 ? given : fallback;
}
/** fc.assert / fc.asyncAssert with the seed named in the failure, and how to replay it. */
export async function checkProperty(property, params) {
    const path = process.env.FUZZ_PATH || undefined;
    const options = { seed: params.seed, numRuns: params.numRuns, path, endOnFailure: false };
    try {
        if (property.isAsync())
            await fc.assert(property, options);
        else
            fc.assert(property, options);
    }
    catch (err) {
        const message = err.message;
        const replay = /path: "([^"]*)"/.exec(message)?.[1];
        // fast-check keeps the failing check's own error as the cause; its message says what broke.
        const cause = err.cause instanceof Error ? `\nWhat broke: ${err.cause.message}` : '';
        throw new Error(`${params.name} failed with seed ${params.seed}; replay with FUZZ_SEED=${params.seed}${replay ? ` FUZZ_PATH=${replay}` : ''}\n${message}${cause}`, { cause: err });
    }
}
//# sourceMappingURL=seed.js.map