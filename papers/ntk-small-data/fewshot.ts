/**
 * Few-shot CIFAR-10 (Arora et al. 2020, §5; PAPERS.md §4): on each random class-balanced
 * subset of n training images, kernel regression on CNTK-V (32×32) and on CNTK-GAP (at the
 * GAP size), and a small ResNet trained on the same images; all three scored on one fixed
 * test set. The kernels over the pool of candidates and the test set are computed once
 * (fewshot-kernels.ts) and each subset's regression indexes into them.
 *
 * The regression is the NTK's own predictor (the infinitely wide net trained to convergence
 * under ℓ2 loss; Arora et al. 2019, §3): targets 0.9 at the label and −0.1 elsewhere, no ridge,
 * α = K⁻¹Y by Cholesky in float64 (with the smallest jitter that factors K, reported).
 */
import { deriveSeed, selectExamples } from '../../src/data/index.ts';
import { kernelRegression } from '../../src/kernel-methods/kernel-regression.ts';
import type { Matrix } from '../../src/linalg/index.ts';
import type { ProgressBar } from '../../src/report/index.ts';
import type { FewShotConfig, FewShotResNet } from './config.ts';
import { drawSubsets, type FewShotData } from './fewshot-data.ts';
import type { PoolKernel } from './fewshot-kernels.ts';
import { cachedResNets } from './resnet-cache.ts';
import type { ResNetJob } from './resnet-threads.ts';

/** Test accuracies (%) of one subset; the ResNet's training accuracy says whether it fit. */
export interface SubsetResult {
  n: number;
  index: number;
  cntkVanilla: number;
  cntkGap: number;
  resnet: number;
  resnetTrain: number;
  resnetEpochs: number;
  /** The epoch cap of this n (resnetEpochCap). */
  resnetEpochCap: number;
  resnetSeconds: number;
  /** Whether the ResNet run was read from the cache (resnet-cache.ts) rather than trained in this run. */
  resnetCached: boolean;
  /** The largest Cholesky jitter of the two regressions, relative to K's mean diagonal. */
  relativeJitter: number;
}

/**
 * Rows `rows` and columns `cols` of a matrix (a subset's block of a pool kernel).
 * @example submatrix({ rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, 4) }, [1], [0, 1]).data // [3, 4]
 */
export function submatrix(matrix: Matrix, rows: ArrayLike<number>, cols: ArrayLike<number>): Matrix {
  const data = new Float64Array(rows.length * cols.length);
  for (let i = 0; i < rows.length; i++) {
    if (!(rows[i] >= 0 && rows[i] < matrix.rows))
      throw new Error(`submatrix: row ${rows[i]} is outside the ${matrix.rows}×${matrix.cols} matrix`);
    for (let j = 0; j < cols.length; j++) {
      if (!(cols[j] >= 0 && cols[j] < matrix.cols))
        throw new Error(`submatrix: column ${cols[j]} is outside the ${matrix.rows}×${matrix.cols} matrix`);
      data[i * cols.length + j] = matrix.data[rows[i] * matrix.cols + cols[j]];
    }
  }
  return { rows: rows.length, cols: cols.length, data };
}

/**
 * Test accuracy (%) of ridgeless kernel regression on the pool positions `positions`, and its
 * jitter relative to the mean diagonal.
 * @example subsetRegression(kernel, subset.positions, data.pool.labels, data.test.labels, 10).accuracy
 */
export function subsetRegression(
  kernel: Pick<PoolKernel, 'pool' | 'test'>,
  positions: ArrayLike<number>,
  poolLabels: ArrayLike<number>,
  testLabels: ArrayLike<number>,
  classes: number,
): { accuracy: number; relativeJitter: number } {
  const all = Array.from({ length: kernel.test.rows }, (_, i) => i);
  const { correct, relativeJitter } = kernelRegression(
    submatrix(kernel.pool, positions, positions),
    submatrix(kernel.test, all, positions),
    { labels: Array.from(positions, (position) => poolLabels[position]), classes },
    { labels: testLabels },
  );
  // a count of right answers over the test set, in percent
  return { accuracy: (100 * correct.reduce((sum, right) => sum + right, 0)) / correct.length, relativeJitter };
}

/**
 * The ResNet's epoch cap for a subset of n images: the cap config.ts sets for that n.
 * @example resnetEpochCap({ sizes: [10, 20], resnet: { ...config.fewShot.resnet, epochCaps: [200, 300] } }, 20) // 300
 */
export function resnetEpochCap(
  config: { sizes: readonly number[]; resnet: Pick<FewShotResNet, 'epochCaps'> },
  n: number,
): number {
  const { sizes, resnet } = config;
  const caps = resnet.epochCaps;
  if (caps.length !== sizes.length || !caps.every((cap) => Number.isInteger(cap) && cap > 0))
    throw new Error(
      `resnetEpochCap: epochCaps must be ${sizes.length} positive integers (one per size), got [${caps.join(', ')}]`,
    );
  const at = sizes.indexOf(n);
  if (at < 0) throw new Error(`resnetEpochCap: n must be one of the sizes [${sizes.join(', ')}], got ${n}`);
  return caps[at];
}

/**
 * Every subset of the sweep through the three classifiers (one progress tick per subset, as its
 * ResNet finishes); the ResNets train `threads` at a time (resnet-threads.ts), which changes
 * nothing in their results, each read from or written to the cache under `cacheFolder`.
 * @example (await runFewShot(config.fewShot, data, { vanilla, gap }, { seed: 0, bar, threads: 2, cacheFolder })).length // Σ subsets
 */
export async function runFewShot(
  config: FewShotConfig,
  data: FewShotData,
  kernels: { vanilla: PoolKernel; gap: PoolKernel },
  { seed, bar, threads, cacheFolder }: { seed: number; bar: ProgressBar; threads: number; cacheFolder: string },
): Promise<SubsetResult[]> {
  const { pool, test } = data;
  const subsets = drawSubsets(data.byClass, config.sizes, config.subsets, seed);
  const jobs: ResNetJob[] = subsets.map(({ n, index, positions }) => ({
    train: selectExamples(pool, positions),
    test,
    options: {
      ...config.resnet,
      maxEpochs: resnetEpochCap(config, n),
      seed: deriveSeed(seed, 100_000 + 1000 * n + index),
    },
  }));
  // named by scale, so a --quick run and a default run keep separate entries
  const names = subsets.map(({ n, index }) => `resnet-pool${pool.count}-test${test.count}-n${n}-${index}`);
  const resnets = await cachedResNets(jobs, names, cacheFolder, { threads, onDone: () => bar.tick() });
  return subsets.map(({ n, index, positions }, i) => {
    const regress = (kernel: PoolKernel) => subsetRegression(kernel, positions, pool.labels, test.labels, pool.classes);
    const [vanilla, gap] = [regress(kernels.vanilla), regress(kernels.gap)];
    const resnet = resnets[i];
    return {
      n,
      index,
      cntkVanilla: vanilla.accuracy,
      cntkGap: gap.accuracy,
      resnet: 100 * resnet.testAccuracy,
      resnetTrain: 100 * resnet.trainAccuracy,
      resnetEpochs: resnet.epochs,
      resnetEpochCap: jobs[i].options.maxEpochs,
      resnetSeconds: resnet.seconds,
      resnetCached: resnet.cached,
      relativeJitter: Math.max(vanilla.relativeJitter, gap.relativeJitter),
    };
  });
}
