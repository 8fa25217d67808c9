/**
 * The image sets of enhanced-cntk: seeded random subsets of CIFAR-10 and Fashion-MNIST,
 * standardized per channel with the training subset's statistics (as the authors' code
 * standardizes its inputs) and average-pooled to the sweep's resolution; and the CIFAR-10
 * images through Coates et al.'s random-patch layer (§6 of arXiv 1911.00809): random 5×5
 * patches of the standardized 32×32 training images, ZCA-whitened and normalized
 * (src/infinite/random-patches.ts), as the filters of one convolution + ReLU at full
 * resolution, then pooled to the same resolution as the plain images.
 */
import {
  createDataset,
  downsample,
  imagesOf,
  loadCifar10,
  loadFashionMnist,
  standardizeWith,
  takeRandom,
  type Dataset,
} from '../../src/data/index.ts';
import { applyRandomPatches, fitRandomPatches } from '../../src/infinite/random-patches.ts';
import type { Configuration, SetSizes } from './config.ts';

/** A standardized, pooled train/test pair and the key that names it in the kernel cache. */
export interface Split {
  train: Dataset;
  test: Dataset;
  /** e.g. "cifar10-8x8-train200-test400-seed0-plain". */
  key: string;
  /** e.g. "CIFAR-10 8×8, 16 random patches". */
  label: string;
}

/** Random subsets (seeds `seed`, `seed + 1`) of a loader's train and test splits. */
function subsets(load: (split: 'train' | 'test') => Dataset, sizes: SetSizes, seed: number): [Dataset, Dataset] {
  return [takeRandom(load('train'), sizes.train, seed), takeRandom(load('test'), sizes.test, seed + 1)];
}

const keyOf = (name: string, set: Dataset, sizes: SetSizes, seed: number, input: string) =>
  `${name}-${set.shape[1]}x${set.shape[2]}-train${sizes.train}-test${sizes.test}-seed${seed}-${input}`;
const sizeOf = (set: Dataset) => `${set.shape[1]}×${set.shape[2]}`;

/**
 * The random-patch features of the training and test images (full resolution), pooled by `factor`.
 * @example randomPatchSplit(train, test, config, 4, 0).train.shape // [64, 8, 8]
 */
function randomPatchFeatures(
  train: Dataset,
  test: Dataset,
  config: Configuration,
  seed: number,
): { train: Dataset; test: Dataset } {
  const { count, size, epsilon } = config.patches;
  const patches = fitRandomPatches(imagesOf(train), { count, size, seed: seed + 2, epsilon });
  const features = (set: Dataset): Dataset => {
    const output = applyRandomPatches(patches, imagesOf(set));
    const full = createDataset({
      images: Float32Array.from(output.data),
      labels: set.labels,
      shape: output.shape.slice(1),
      classes: set.classes,
      name: `${set.name} random patches`,
    });
    return downsample(full, config.cifar.factor);
  };
  return { train: features(train), test: features(test) };
}

/**
 * CIFAR-10 at the sweep's resolution, plain and through the random-patch layer, and the
 * standardized full-resolution test images (for the figure of shifted copies).
 * @example prepareCifar(configuration(true), 0).plain.train.shape // [3, 4, 4]
 */
export function prepareCifar(config: Configuration, seed: number): { plain: Split; patches: Split; full: Dataset } {
  const sizes = config.cifar;
  const [train, test] = standardizeWith(...subsets((split) => loadCifar10(split), sizes, seed));
  const pooled = [downsample(train, sizes.factor), downsample(test, sizes.factor)] as const;
  const features = randomPatchFeatures(train, test, config, seed);
  return {
    plain: {
      train: pooled[0],
      test: pooled[1],
      key: keyOf('cifar10', pooled[0], sizes, seed, 'plain'),
      label: `CIFAR-10 ${sizeOf(pooled[0])}`,
    },
    patches: {
      ...features,
      key: keyOf('cifar10', features.train, sizes, seed, `patches${config.patches.count}x${config.patches.size}`),
      label: `CIFAR-10 ${sizeOf(features.train)}, ${config.patches.count} random patches`,
    },
    full: test,
  };
}

/**
 * Fashion-MNIST at the sweep's resolution (pooled from 28×28), standardized.
 * @example prepareFashion(configuration(true), 0).train.shape // [1, 4, 4]
 */
export function prepareFashion(config: Configuration, seed: number): Split {
  const sizes = config.fashion;
  const [train, test] = subsets((split) => loadFashionMnist(split), sizes, seed);
  const [small, smallTest] = standardizeWith(downsample(train, sizes.factor), downsample(test, sizes.factor));
  return {
    train: small,
    test: smallTest,
    key: keyOf('fashion-mnist', small, sizes, seed, 'plain'),
    label: `Fashion-MNIST ${sizeOf(small)}`,
  };
}
