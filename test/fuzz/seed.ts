import fc from 'fast-check'

/**
 * Seeds and run counts of the fuzz tests. By default a fixed seed, so that a
 * run is reproducible; FUZZ_SEED=<n> replays a seed (with FUZZ_PATH=<path> the
 * very counterexample fast-check printed), FUZZ_SEED=random explores, and
 * FUZZ_RUNS scales the number of runs.
 */
export function fuzzSeed(fallback: number): number {
  const given = process.env.FUZZ_SEED
  if (given === 'random') return (Date.now() ^ (process.pid << 16)) | 0
  if (given !== undefined && given !== '') {
    const seed = Number(given)
    if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${given}`)
    return seed
  }
  return fallback
}

export function fuzzRuns(fallback: number): number {
  const given = Number(process.env.FUZZ_RUNS)
  return Number.isInteger(given) && given > 0 ? given : fallback
}

/** fc.assert / fc.asyncAssert with the seed named in the failure, and how to replay it. */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  params: { seed: number; numRuns: number; name: string },
): Promise<void> {
  const path = process.env.FUZZ_PATH || undefined
  const options = { seed: params.seed, numRuns: params.numRuns, path, endOnFailure: false }
  try {
    if (property.isAsync()) await fc.assert(property as fc.IAsyncProperty<Ts>, options)
    else fc.assert(property as fc.IProperty<Ts>, options)
  } catch (err) {
    const message = (err as Error).message
    const replay = /path: "([^"]*)"/.exec(message)?.[1]
    // fast-check keeps the failing check's own error as the cause; its message says what broke.
    const cause = (err as Error).cause instanceof Error ? `\nWhat broke: ${((err as Error).cause as Error).message}` : ''
    throw new Error(
      `${params.name} failed with seed ${params.seed}; replay with FUZZ_SEED=${params.seed}${replay ? ` FUZZ_PATH=${replay}` : ''}\n${message}${cause}`,
      { cause: err },
    )
  }
}
