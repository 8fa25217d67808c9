/**
 * The in-memory dataset: every example's values in one flat Float32Array (example-major,
 * each example laid out as `shape`, e.g. NCHW images as [C, H, W]) and integer labels.
 */
import { Random, deriveSeed, sampleWithoutReplacement } from './random.ts';

/** Values of `count` examples of one `shape`, example-major; datasets and batches are both this. */
export interface ExampleSet {
  /** count × product(shape) values, example i at [i·size, (i+1)·size). */
  images: Float32Array;
  /** Per-example shape, e.g. [1, 28, 28], [3, 32, 32] or [d]. */
  shape: number[];
  count: number;
}

/** A labelled classification dataset. */
export interface Dataset extends ExampleSet {
  /** Class index of each example, in 0 … classes−1. */
  labels: Int32Array;
  classes: number;
  name: string;
}

/** A split of a dataset that ships a training and a test part. */
export type Split = 'train' | 'test';

/**
 * Returns `split` if it is 'train' or 'test', else throws an error naming the caller.
 * @example checkSplit('loadMnist', 'test'); // 'test'
 */
export function checkSplit(functionName: string, split: string): Split {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`${functionName}: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  return split;
}

/**
 * Number of values in one example: the product of `shape`.
 * @example exampleSize([3, 32, 32]); // 3072
 */
export function exampleSize(shape: readonly number[]): number {
  let size = 1;
  for (const extent of shape) {
    if (!Number.isInteger(extent) || extent <= 0) {
      throw new Error(`exampleSize: every extent must be a positive integer, got shape [${shape.join(',')}]`);
    }
    size *= extent;
  }
  return size;
}

/**
 * Builds a Dataset after checking that the array lengths, shape and labels agree.
 * @example createDataset({ images: new Float32Array(4), labels: Int32Array.of(0, 1), shape: [2], classes: 2, name: 'toy' });
 */
export function createDataset(fields: Omit<Dataset, 'count'>): Dataset {
  const { images, labels, shape, classes, name } = fields;
  const count = labels.length;
  const size = exampleSize(shape);
  if (images.length !== count * size) {
    throw new Error(
      `createDataset: ${name}: images has ${images.length} values, expected ${count} labels × ${size} (shape [${shape.join(',')}]) = ${count * size}`,
    );
  }
  if (!Number.isInteger(classes) || classes <= 0) {
    throw new Error(`createDataset: ${name}: classes must be a positive integer, got ${classes}`);
  }
  for (let i = 0; i < count; i++) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw new Error(`createDataset: ${name}: label ${labels[i]} at index ${i} is outside 0…${classes - 1}`);
    }
  }
  return { images, labels, shape: [...shape], count, classes, name };
}

/**
 * The examples at `indices`, in that order (indices may repeat).
 * @example selectExamples(dataset, [4, 0, 7]).count; // 3
 */
export function selectExamples(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const size = exampleSize(dataset.shape);
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
      throw new Error(
        `selectExamples: ${dataset.name}: index ${index} at position ${i} is outside 0…${dataset.count - 1}`,
      );
    }
    images.set(dataset.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = dataset.labels[index];
  }
  return { images, labels, shape: [...dataset.shape], count: indices.length, classes: dataset.classes, name };
}

/**
 * The first `n` examples.
 * @example takeFirst(mnistTrain, 1000).count; // 1000
 */
export function takeFirst(dataset: Dataset, n: number): Dataset {
  checkSubsetSize('takeFirst', dataset, n);
  const size = exampleSize(dataset.shape);
  return {
    images: dataset.images.slice(0, n * size),
    labels: dataset.labels.slice(0, n),
    shape: [...dataset.shape],
    count: n,
    classes: dataset.classes,
    name: `${dataset.name}[:${n}]`,
  };
}

/**
 * `n` distinct examples chosen uniformly with the given seed, kept in their original order.
 * @example takeRandom(cifarTrain, 5000, 0).count; // 5000
 */
export function takeRandom(dataset: Dataset, n: number, seed: number): Dataset {
  checkSubsetSize('takeRandom', dataset, n);
  const indices = sampleWithoutReplacement(dataset.count, n, new Random(seed)).sort();
  return selectExamples(dataset, indices, `${dataset.name}[random ${n}, seed ${seed}]`);
}

/** Options of `selectClasses`. */
export interface SelectClassesOptions {
  /** Map the kept classes to 0 … k−1 in the order given (default false: labels unchanged). */
  relabel?: boolean;
  /** Keep this many examples of each class (default: all). */
  perClass?: number;
  /** With `perClass`: choose each class's examples at random with this seed (default: the first ones). */
  seed?: number;
}

/**
 * The examples whose label is in `classes`, in their original order.
 * @example selectClasses(mnistTrain, [3, 8], { relabel: true, perClass: 500 }); // 1000 examples labelled 0 (a 3) or 1 (an 8)
 */
export function selectClasses(
  dataset: Dataset,
  classes: readonly number[],
  options: SelectClassesOptions = {},
): Dataset {
  const { relabel = false, perClass, seed } = options;
  if (classes.length === 0) throw new Error(`selectClasses: ${dataset.name}: classes must not be empty`);
  const newLabel = new Map<number, number>();
  classes.forEach((label, position) => {
    if (!Number.isInteger(label) || label < 0 || label >= dataset.classes || newLabel.has(label)) {
      throw new Error(
        `selectClasses: ${dataset.name}: classes must be distinct integers in 0…${dataset.classes - 1}, got [${classes.join(',')}]`,
      );
    }
    newLabel.set(label, position);
  });
  const members: number[][] = classes.map(() => []);
  for (let i = 0; i < dataset.count; i++) {
    const position = newLabel.get(dataset.labels[i]);
    if (position !== undefined) members[position].push(i);
  }
  const kept =
    perClass === undefined
      ? members
      : members.map((indices, position) => {
          if (!Number.isInteger(perClass) || perClass < 0 || perClass > indices.length) {
            throw new Error(
              `selectClasses: ${dataset.name}: perClass must be an integer in 0…${indices.length} (the size of class ${classes[position]}), got ${perClass}`,
            );
          }
          if (seed === undefined) return indices.slice(0, perClass);
          return Array.from(
            sampleWithoutReplacement(indices.length, perClass, new Random(deriveSeed(seed, position))),
            (k) => indices[k],
          );
        });
  const indices = Int32Array.from(kept.flat()).sort();
  const suffix = perClass === undefined ? '' : ` ×${perClass}${seed === undefined ? '' : ` seed ${seed}`}`;
  const subset = selectExamples(dataset, indices, `${dataset.name}[classes ${classes.join(',')}${suffix}]`);
  if (!relabel) return subset;
  for (let i = 0; i < subset.count; i++) subset.labels[i] = newLabel.get(subset.labels[i])!;
  return { ...subset, classes: classes.length };
}

/**
 * How many examples carry each label 0 … classes−1.
 * @example labelHistogram(Int32Array.of(0, 2, 2), 3); // Int32Array [1, 0, 2]
 */
export function labelHistogram(labels: ArrayLike<number>, classes: number): Int32Array {
  const histogram = new Int32Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(`labelHistogram: label ${label} at index ${i} is outside 0…${classes - 1}`);
    }
    histogram[label]++;
  }
  return histogram;
}

function checkSubsetSize(functionName: string, dataset: Dataset, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > dataset.count) {
    throw new Error(`${functionName}: ${dataset.name}: n must be an integer in 0…${dataset.count}, got ${n}`);
  }
}
