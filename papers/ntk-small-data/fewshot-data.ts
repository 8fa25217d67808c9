/**
 * The data of the few-shot CIFAR-10 experiment (Arora et al. 2020, §5; PAPERS.md §4): a
 * class-balanced pool of training candidates, one fixed test set, and the random
 * class-balanced subsets of n = 10, 20, … images drawn from the pool. Every subset is a set
 * of positions in the pool, so the kernels over pool and test set are computed once and each
 * subset's kernel regression indexes into them (fewshot.ts).
 */
import {
  deriveSeed,
  downsample,
  loadCifar10,
  permutation,
  Random,
  sampleWithoutReplacement,
  selectExamples,
  standardizeWith,
  type Dataset,
} from '../../src/data/index.ts';
import type { FewShotConfig } from './config.ts';

/** The pool and test set, standardized, at 32×32 (CNTK-V and the ResNet) and at the GAP size. */
export interface FewShotData {
  pool: Dataset;
  test: Dataset;
  /** The same images average-pooled to gapSize×gapSize, standardized with their own statistics. */
  poolSmall: Dataset;
  testSmall: Dataset;
  /** Per class, the positions in `pool` of its candidates. */
  byClass: number[][];
}

/** One training subset: its size, its index among the subsets of that size, its pool positions. */
export interface Subset {
  n: number;
  index: number;
  positions: Int32Array;
}

/**
 * `perClass` images of each class, in class order, from a seeded permutation of `set`.
 * @example classBalancedIndices(labels, 10, 3, 0).length // 30
 */
export function classBalancedIndices(
  labels: ArrayLike<number>,
  classes: number,
  perClass: number,
  seed: number,
): Int32Array {
  const order = permutation(labels.length, new Random(seed));
  const chosen: number[][] = Array.from({ length: classes }, () => []);
  for (const index of order) if (chosen[labels[index]].length < perClass) chosen[labels[index]].push(index);
  const short = chosen.findIndex((list) => list.length < perClass);
  if (short >= 0)
    throw new Error(
      `classBalancedIndices: class ${short} has ${chosen[short].length} examples, fewer than the ${perClass} asked for`,
    );
  return Int32Array.from(chosen.flat());
}

/**
 * The pool (poolPerClass per class, seed stream 1) and the fixed test set (testCount at random from the test split, stream 2).
 * @example prepareFewShot(config.fewShot, 0).pool.count // 10 · poolPerClass
 */
export function prepareFewShot(config: FewShotConfig, seed: number, directory?: string): FewShotData {
  const train = loadCifar10('train', directory);
  const testSplit = loadCifar10('test', directory);
  const largest = Math.max(...config.sizes);
  if (largest > train.classes * config.poolPerClass)
    throw new Error(
      `prepareFewShot: n = ${largest} needs ${largest / train.classes} images per class, the pool has ${config.poolPerClass}`,
    );
  const poolRaw = selectExamples(
    train,
    classBalancedIndices(train.labels, train.classes, config.poolPerClass, deriveSeed(seed, 1)),
  );
  const testRaw = selectExamples(
    testSplit,
    sampleWithoutReplacement(testSplit.count, config.testCount, new Random(deriveSeed(seed, 2))),
  );
  // standardized with the pool's statistics (no labels are used)
  const [pool, test] = standardizeWith(poolRaw, testRaw);
  const factor = poolRaw.shape[1] / config.gapSize;
  if (!Number.isInteger(factor))
    throw new Error(`prepareFewShot: gapSize ${config.gapSize} does not divide the image side ${poolRaw.shape[1]}`);
  const [poolSmall, testSmall] = standardizeWith(downsample(poolRaw, factor), downsample(testRaw, factor));
  const byClass: number[][] = Array.from({ length: pool.classes }, () => []);
  pool.labels.forEach((label, position) => byClass[label].push(position));
  return { pool, test, poolSmall, testSmall, byClass };
}

/**
 * The subsets of the sweep: for each n, `subsets[i]` draws of n/classes pool positions per class
 * (seed stream 1000·n + index, so adding sizes or subsets leaves the others unchanged).
 * @example drawSubsets(data.byClass, [10, 20], [3, 2], 0).length // 5
 */
export function drawSubsets(
  byClass: readonly (readonly number[])[],
  sizes: readonly number[],
  subsets: readonly number[],
  seed: number,
): Subset[] {
  if (sizes.length !== subsets.length)
    throw new Error(`drawSubsets: ${sizes.length} sizes but ${subsets.length} subset counts`);
  const classes = byClass.length;
  return sizes.flatMap((n, i) => {
    const perClass = n / classes;
    if (!Number.isInteger(perClass) || perClass < 1 || byClass.some((list) => list.length < perClass))
      throw new Error(
        `drawSubsets: n = ${n} must be a positive multiple of ${classes} with at most ${Math.min(...byClass.map((l) => l.length))} per class`,
      );
    return Array.from({ length: subsets[i] }, (_, index) => {
      const random = new Random(deriveSeed(seed, 1000 * n + index));
      const positions = byClass.flatMap((list) =>
        Array.from(sampleWithoutReplacement(list.length, perClass, random), (k) => list[k]),
      );
      return { n, index, positions: Int32Array.from(positions) };
    });
  });
}
