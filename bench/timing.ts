/** Timing for the benchmarks: warm up, repeat, report the median. */

export interface TimingOptions {
  /** Untimed runs first (compilation, JIT, caches). */
  warmup?: number;
  minRepeats?: number;
  maxRepeats?: number;
  /** Keep repeating until this much time has been spent (ms). */
  minTotalMs?: number;
}

/** Median wall time of fn in milliseconds. Awaits fn when it returns a promise. */
export async function medianMs(fn: () => unknown, options: TimingOptions = {}): Promise<number> {
  const { warmup = 2, minRepeats = 3, maxRepeats = 30, minTotalMs = 600 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRepeats || (times.length < maxRepeats && performance.now() - start < minTotalMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** GFLOP/s of an n×n×n matrix product that took `ms`. */
export function matmulGflops(n: number, ms: number): number {
  return (2 * n ** 3) / (ms * 1e6);
}
