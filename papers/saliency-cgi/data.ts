/**
 * The images of the rebuild: MNIST in [0, 1] (background exactly 0, as the paper's MNIST maps
 * assume) and CIFAR-10 standardized per channel; the labels permuted at random for Adebayo et
 * al.'s data randomization test; the fixed set of test images whose maps are compared.
 */
import * as ad from '../../autodiff/index.ts';
import {
  channelStatistics,
  deriveSeed,
  loadCifar10,
  loadMnist,
  normalize,
  permutation,
  Random,
  takeFirst,
  takeRandom,
  type Dataset,
} from '../../src/data/index.ts';
import type { DatasetConfig } from './config.ts';

export type DatasetName = 'mnist' | 'cifar';

/** Training and test images of one dataset, in the network's input scale. */
export interface ImageData {
  name: DatasetName;
  train: Dataset;
  test: Dataset;
  /** [channels, height, width] */
  shape: number[];
}

/**
 * The first `trainImages` training images and the first `testImages` test images; CIFAR-10
 * standardized with the training subset's channel statistics.
 * @example loadImages('mnist', quickConfig.mnist).train.count // 600
 */
export function loadImages(name: DatasetName, config: Pick<DatasetConfig, 'trainImages' | 'testImages'>): ImageData {
  if (name === 'mnist') {
    const train = takeFirst(loadMnist('train'), config.trainImages);
    return { name, train, test: takeFirst(loadMnist('test'), config.testImages), shape: train.shape };
  }
  const train = takeFirst(loadCifar10('train'), config.trainImages);
  const { mean, std } = channelStatistics(train);
  const test = takeFirst(loadCifar10('test'), config.testImages);
  return { name, train: normalize(train, mean, std), test: normalize(test, mean, std), shape: train.shape };
}

/**
 * The first `count` images of `set` with their labels randomly permuted (Adebayo et al. 2018,
 * §3.2: the label marginal is kept, the link between image and label is destroyed).
 * @example permutedLabels(train, 1000, 0).labels
 */
export function permutedLabels(set: Dataset, count: number, seed: number): Dataset {
  const subset = takeFirst(set, count);
  const order = permutation(count, new Random(deriveSeed(seed, 61)));
  const labels = Int32Array.from(order, (index) => subset.labels[index]);
  return { ...subset, labels, name: `${subset.name} (permuted labels)` };
}

/** The fixed test images whose maps every model is asked for, and their true labels. */
export interface SaliencySet {
  inputs: ad.Tensor;
  labels: Int32Array;
  /** Σ_c |x_c| per pixel, [n, height·width]: what "correlated with the input" compares against. */
  magnitudes: Float64Array[];
}

/**
 * `count` test images drawn at random (seeded), as a float32 tensor [n, C, H, W].
 * @example saliencySet(data, 32, 0).inputs.shape // [32, 1, 28, 28]
 */
export function saliencySet(data: ImageData, count: number, seed: number): SaliencySet {
  const set = takeRandom(data.test, count, deriveSeed(seed, 62));
  const [channels, height, width] = set.shape;
  const plane = height * width;
  const magnitudes = Array.from({ length: count }, (_, i) => {
    const values = new Float64Array(plane);
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < plane; p++) values[p] += Math.abs(set.images[(i * channels + c) * plane + p]);
    return values;
  });
  return { inputs: ad.tensor(set.images, { shape: [count, ...set.shape] }), labels: set.labels, magnitudes };
}
