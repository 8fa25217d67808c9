/**
 * Seeded sampling helpers on top of the project's one generator, `Random` (gpu/random.ts).
 *
 * Everything here takes the generator as an argument instead of owning one, so a caller
 * decides which stream each random choice draws from and a run is reproducible from its seeds.
 */
import { Random } from '../../gpu/random.ts';

export { Random };

/** An indexable, writable sequence: a plain array or any typed array. */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

/**
 * Shuffles `items` in place by the Fisher–Yates algorithm and returns it.
 * @example shuffleInPlace([1, 2, 3, 4], new Random(0)); // e.g. [3, 1, 4, 2]
 */
export function shuffleInPlace<T, A extends MutableArrayLike<T>>(items: A, rng: Random): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
  return items;
}

/**
 * A uniformly random permutation of 0 … n−1.
 * @example permutation(5, new Random(1)); // Int32Array holding 0..4 in random order
 */
export function permutation(n: number, rng: Random): Int32Array {
  checkCount('permutation', 'n', n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, rng);
}

/**
 * `k` distinct indices drawn uniformly from 0 … n−1, in random order.
 * Uses a sparse Fisher–Yates (only the k touched slots are stored), so k ≪ n costs O(k).
 * @example sampleWithoutReplacement(60000, 3, new Random(2)); // e.g. Int32Array [41327, 5, 18062]
 */
export function sampleWithoutReplacement(n: number, k: number, rng: Random): Int32Array {
  checkCount('sampleWithoutReplacement', 'n', n);
  checkCount('sampleWithoutReplacement', 'k', k);
  if (k > n) throw new Error(`sampleWithoutReplacement: k must be at most n, got k = ${k}, n = ${n}`);
  const displaced = new Map<number, number>(); // slot → value, for slots that differ from the identity
  const sample = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const valueAtJ = displaced.get(j) ?? j;
    displaced.set(j, displaced.get(i) ?? i);
    sample[i] = valueAtJ;
  }
  return sample;
}

/**
 * One element of `items`, chosen uniformly.
 * @example choice(['airplane', 'ship', 'truck'], new Random(3)); // e.g. 'ship'
 */
export function choice<T>(items: ArrayLike<T>, rng: Random): T {
  if (items.length === 0) throw new Error('choice: items must not be empty');
  return items[rng.int(items.length)];
}

/**
 * A seed for stream number `stream` derived from `seed`, e.g. one per epoch; distinct
 * streams give unrelated generators because `Random` mixes the seed through SplitMix32.
 * @example new Random(deriveSeed(42, 3)); // the generator of epoch 3 of a run seeded 42
 */
export function deriveSeed(seed: number, stream: number): number {
  if (!Number.isInteger(seed)) throw new Error(`deriveSeed: seed must be an integer, got ${seed}`);
  checkCount('deriveSeed', 'stream', stream);
  // Two odd multipliers (MurmurHash3's finalizer constants) keep (seed, stream) pairs apart.
  return (Math.imul(seed, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
}

function checkCount(functionName: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${functionName}: ${argument} must be a non-negative integer, got ${value}`);
  }
}
