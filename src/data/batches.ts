/**
 * Mini-batches for stochastic training. Epoch e's order is a permutation drawn from a
 * generator seeded with deriveSeed(seed, e), so any epoch can be replayed on its own and
 * every epoch is shuffled differently.
 */
import { exampleSize, type Dataset, type ExampleSet } from './dataset.ts';
import { Random, deriveSeed, permutation } from './random.ts';

/** A mini-batch: copies of `count` examples and their labels. */
export interface Batch extends ExampleSet {
  labels: Int32Array;
}

/** Options of `batches`. */
export interface BatchOptions {
  batchSize: number;
  /** Seed of the run; each epoch's order derives from it. */
  seed: number;
  /** Epoch number, 0-based (default 0). */
  epoch?: number;
  /** Shuffle (default true); false yields the examples in dataset order. */
  shuffle?: boolean;
  /** Drop the last batch if it is smaller than batchSize (default false: keep it). */
  dropLast?: boolean;
}

/**
 * The order in which one epoch visits the examples: a seeded permutation, or 0 … count−1 without shuffling.
 * @example epochOrder(5, { batchSize: 2, seed: 0, epoch: 3 }); // Int32Array, a permutation of 0..4
 */
export function epochOrder(count: number, options: BatchOptions): Int32Array {
  const { seed, epoch = 0, shuffle = true } = options;
  if (!shuffle) return Int32Array.from({ length: count }, (_, index) => index);
  return permutation(count, new Random(deriveSeed(seed, epoch)));
}

/**
 * Number of batches one epoch yields.
 * @example batchCount(10, { batchSize: 4, seed: 0 }); // 3 (4 + 4 + 2); 2 with dropLast
 */
export function batchCount(count: number, options: BatchOptions): number {
  const { batchSize, dropLast = false } = options;
  checkBatchSize('batchCount', batchSize);
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Yields one epoch of mini-batches of `dataset`.
 * @example for (const batch of batches(train, { batchSize: 128, seed: 1, epoch })) step(batch.images, batch.labels);
 */
export function* batches(dataset: Dataset, options: BatchOptions): Generator<Batch> {
  const { batchSize } = options;
  checkBatchSize('batches', batchSize);
  const total = batchCount(dataset.count, options);
  const order = epochOrder(dataset.count, options);
  const size = exampleSize(dataset.shape);
  for (let batch = 0; batch < total; batch++) {
    const start = batch * batchSize;
    const count = Math.min(batchSize, dataset.count - start);
    const images = new Float32Array(count * size);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const index = order[start + i];
      images.set(dataset.images.subarray(index * size, (index + 1) * size), i * size);
      labels[i] = dataset.labels[index];
    }
    yield { images, labels, count, shape: [...dataset.shape] };
  }
}

function checkBatchSize(functionName: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`${functionName}: batchSize must be a positive integer, got ${batchSize}`);
}
