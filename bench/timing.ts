export async function timeIt(times: number, work: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Samples several contenders in rounds, each round running every contender once in a rotated order,
 * so that drift on a noisy machine (another process waking up, the core's caches, GC) lands on all of
 * them alike instead of on whichever happened to be measured last. Returns the samples per contender.
 */
export async function interleaved(rounds: number, contenders: Record<string, () => Promise<unknown>>): Promise<Record<string, number[]>> {
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const started = performance.now();
      await contenders[name]!();
      samples[name]!.push(performance.now() - started);
    }
  }
  return samples;
}
