/**
 * The CIFAR-10 subsets of cntk-exact: a seeded random sample of the training and test sets,
 * standardized per channel with the training subset's statistics (as the authors' code
 * standardizes its inputs), at full resolution for CNTK-V and average-pooled for CNTK-GAP.
 */
import { downsample, loadCifar10, standardizeWith, takeFirst, takeRandom, type Dataset } from '../../src/data/index.ts';
import type { Configuration } from './config.ts';

/** The kernels' input, a set's images as a float32 tensor [n, C, H, W] (src/data). */
export { imagesOf } from '../../src/data/index.ts';

/** A standardized train/test pair and the key that names it in the kernel cache. */
export interface Split {
  train: Dataset;
  test: Dataset;
  /** e.g. "cifar10-32x32-train2000-test300-seed0". */
  key: string;
}

/** The two image sets of a run. */
export interface PreparedData {
  /** CNTK-V at `config.vanilla.size` (the paper's 2K column). */
  vanilla: Split;
  /** CNTK-GAP and CNTK-V at `config.gap.size`: the first images of the above, pooled. */
  gap: Split;
}

/** Average-pools to `size`×`size` and standardizes both sets per channel with the training set's mean and deviation. */
function standardized(train: Dataset, test: Dataset, size: number, key: string): Split {
  const factor = train.shape[1] / size;
  const [small, smallTest] = factor === 1 ? [train, test] : [downsample(train, factor), downsample(test, factor)];
  const [standardTrain, standardTest] = standardizeWith(small, smallTest);
  return { train: standardTrain, test: standardTest, key };
}

/**
 * Random training and test subsets (seeds `seed` and `seed + 1`), prepared for both kernels.
 * @example prepareCifar(configuration(true), 0).gap.train.shape // [3, 4, 4]
 */
export function prepareCifar(config: Configuration, seed: number): PreparedData {
  const train = takeRandom(loadCifar10('train'), config.vanilla.train, seed);
  const test = takeRandom(loadCifar10('test'), config.vanilla.test, seed + 1);
  const key = (size: number, trainCount: number, testCount: number) =>
    `cifar10-${size}x${size}-train${trainCount}-test${testCount}-seed${seed}`;
  const { vanilla, gap } = config;
  if (gap.train > vanilla.train || gap.test > vanilla.test)
    throw new Error('cntk-exact: the GAP subset must be part of the CNTK-V subset');
  return {
    vanilla: standardized(train, test, vanilla.size, key(vanilla.size, vanilla.train, vanilla.test)),
    gap: standardized(
      takeFirst(train, gap.train),
      takeFirst(test, gap.test),
      gap.size,
      key(gap.size, gap.train, gap.test),
    ),
  };
}
