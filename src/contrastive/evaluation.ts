/**
 * Evaluating a representation on a supervised task (Arora et al. 2019, arXiv 1902.09229, §2 and
 * §8): the mean classifier W^μ (rows μ_c, the class means of the training representations), a
 * linear classifier trained on the representations, and the paired standard error that decides
 * whether two classifiers differ on one test set. Representations are N × d row-major arrays.
 */
import * as ad from '../../autodiff/index.ts';
import { Random } from '../data/index.ts';
import { crossEntropy, Linear } from '../nn/index.ts';
import { Adam } from '../optim/index.ts';

/** N representations of width d, row-major, with their labels. */
export interface LabelledRepresentations {
  rows: Float32Array | Float64Array;
  width: number;
  labels: Int32Array;
  classes: number;
}

/** What a classifier scored on a test set: per-example correctness and the accuracies derived from it. */
export interface ClassifierScores {
  /** Whether each test example's top class is its label. */
  correct: Uint8Array;
  accuracy: number;
  /** Whether the label is among the top 2 classes. */
  topTwo: number;
  /** Mean over all class pairs {c, c'} of the binary accuracy on the test examples of c and c' (the paper's AVG-2). */
  averagePairAccuracy: number;
}

function check(caller: string, set: LabelledRepresentations): number {
  const count = set.labels.length;
  if (set.rows.length !== count * set.width)
    throw new Error(`${caller}: ${set.rows.length} values are not ${count} rows of width ${set.width}`);
  for (const label of set.labels)
    if (!(label >= 0 && label < set.classes)) throw new Error(`${caller}: label ${label} outside 0…${set.classes - 1}`);
  return count;
}

/**
 * Class means of the rows whose indices are listed (all rows by default): [classes × width].
 * @example classMeans({ rows: new Float32Array([1, 3]), width: 1, labels: new Int32Array([0, 0]), classes: 1 })[0] // 2
 */
export function classMeans(set: LabelledRepresentations, indices?: ArrayLike<number>): Float64Array {
  const count = check('classMeans', set);
  const chosen = indices ?? Array.from({ length: count }, (_, i) => i);
  const means = new Float64Array(set.classes * set.width);
  const counts = new Float64Array(set.classes);
  for (let n = 0; n < chosen.length; n++) {
    const i = chosen[n];
    const label = set.labels[i];
    counts[label]++;
    for (let j = 0; j < set.width; j++) means[label * set.width + j] += set.rows[i * set.width + j];
  }
  for (let c = 0; c < set.classes; c++) {
    if (counts[c] === 0) throw new Error(`classMeans: class ${c} has no examples`);
    for (let j = 0; j < set.width; j++) means[c * set.width + j] /= counts[c];
  }
  return means;
}

/**
 * Accuracy, top-2 accuracy and AVG-2 of a linear scorer s(x) = W·f(x) + b (W: classes × width, row-major).
 * @example scoreLinear(test, classMeans(train)).accuracy
 */
export function scoreLinear(
  test: LabelledRepresentations,
  weight: Float64Array | Float32Array,
  bias?: ArrayLike<number>,
): ClassifierScores {
  const count = check('scoreLinear', test);
  const { classes, width } = test;
  if (weight.length !== classes * width)
    throw new Error(`scoreLinear: weight has ${weight.length} values, expected ${classes} × ${width}`);
  const scores = new Float64Array(count * classes);
  for (let i = 0; i < count; i++)
    for (let c = 0; c < classes; c++) {
      let total = bias?.[c] ?? 0;
      for (let j = 0; j < width; j++) total += weight[c * width + j] * test.rows[i * width + j];
      scores[i * classes + c] = total;
    }
  const correct = new Uint8Array(count);
  let topTwo = 0;
  const pairRight = new Float64Array(classes * classes);
  const pairCount = new Float64Array(classes * classes);
  for (let i = 0; i < count; i++) {
    const label = test.labels[i];
    const own = scores[i * classes + label];
    let above = 0;
    for (let c = 0; c < classes; c++) {
      if (c === label) continue;
      const other = scores[i * classes + c];
      if (other >= own) above++;
      pairCount[label * classes + c]++;
      if (own > other) pairRight[label * classes + c]++;
    }
    correct[i] = above === 0 ? 1 : 0;
    if (above <= 1) topTwo++;
  }
  let pairAccuracy = 0;
  let pairs = 0;
  for (let a = 0; a < classes; a++)
    for (let b = a + 1; b < classes; b++) {
      const total = pairCount[a * classes + b] + pairCount[b * classes + a];
      if (total === 0) continue;
      pairAccuracy += (pairRight[a * classes + b] + pairRight[b * classes + a]) / total;
      pairs++;
    }
  const accuracy = correct.reduce((sum, value) => sum + value, 0) / count;
  return { correct, accuracy, topTwo: topTwo / count, averagePairAccuracy: pairAccuracy / pairs };
}

/**
 * The mean classifier W^μ of §2: μ_c from `train` (or from the listed training rows), scored on `test`.
 * @example meanClassifierScores(train, test).accuracy
 */
export function meanClassifierScores(
  train: LabelledRepresentations,
  test: LabelledRepresentations,
  indices?: ArrayLike<number>,
): ClassifierScores {
  if (train.width !== test.width || train.classes !== test.classes)
    throw new Error(
      `meanClassifierScores: train is ${train.classes} classes × width ${train.width}, test ${test.classes} × ${test.width}`,
    );
  return scoreLinear(test, classMeans(train, indices));
}

/**
 * Mean accuracy of mean classifiers built from `perClass` random labelled training examples per class
 * (the paper's μ-5 with perClass = 5), over `draws` seeded draws.
 * @example fewShotMeanAccuracy(train, test, 5, 10, 0)
 */
export function fewShotMeanAccuracy(
  train: LabelledRepresentations,
  test: LabelledRepresentations,
  perClass: number,
  draws: number,
  seed: number,
): number {
  const byClass: number[][] = Array.from({ length: train.classes }, () => []);
  train.labels.forEach((label, i) => byClass[label].push(i));
  const rng = new Random(seed);
  let total = 0;
  for (let draw = 0; draw < draws; draw++) {
    const chosen = byClass.flatMap((members) => {
      if (members.length < perClass)
        throw new Error(`fewShotMeanAccuracy: a class has ${members.length} examples, fewer than ${perClass}`);
      const pool = [...members];
      return Array.from({ length: perClass }, () => pool.splice(rng.int(pool.length), 1)[0]);
    });
    total += meanClassifierScores(train, test, chosen).accuracy;
  }
  return total / draws;
}

/** Options of linearClassifierScores. */
export interface LinearProbeOptions {
  steps: number;
  learningRate: number;
  seed: number;
  /** L2 penalty on the weights (Adam's coupled weight decay). */
  weightDecay?: number;
}

/**
 * A linear classifier (softmax regression, full-batch Adam on standardized features) trained on `train`, scored on `test`.
 * @example linearClassifierScores(train, test, { steps: 200, learningRate: 0.05, seed: 0 }).accuracy
 */
export function linearClassifierScores(
  train: LabelledRepresentations,
  test: LabelledRepresentations,
  { steps, learningRate, seed, weightDecay = 1e-4 }: LinearProbeOptions,
): ClassifierScores {
  const count = check('linearClassifierScores', train);
  check('linearClassifierScores', test);
  const { width, classes } = train;
  // Standardize each feature with the training statistics, so one step size fits every representation.
  const mean = new Float64Array(width);
  const scale = new Float64Array(width);
  for (let i = 0; i < count; i++) for (let j = 0; j < width; j++) mean[j] += train.rows[i * width + j] / count;
  for (let i = 0; i < count; i++)
    for (let j = 0; j < width; j++) scale[j] += (train.rows[i * width + j] - mean[j]) ** 2 / count;
  for (let j = 0; j < width; j++) scale[j] = 1 / Math.sqrt(scale[j] + 1e-12);
  const standardize = (rows: Float32Array | Float64Array) =>
    Float32Array.from(rows, (value, index) => (value - mean[index % width]) * scale[index % width]);
  const inputs = ad.tensor(standardize(train.rows), { shape: [count, width] });
  const layer = new Linear(width, classes, { seed });
  const optimizer = new Adam(layer.parameters(), { lr: learningRate, weightDecay });
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    crossEntropy(layer.forward(inputs), train.labels).backward();
    optimizer.step();
  }
  // Fold the standardization into the weights: W·((x − m)·s) + b = (W·diag s)·x + (b − W·(m·s)).
  const weight = Float64Array.from(layer.weight.value.data);
  const bias = Float64Array.from(layer.bias!.value.data);
  for (let c = 0; c < classes; c++)
    for (let j = 0; j < width; j++) {
      weight[c * width + j] *= scale[j];
      bias[c] -= weight[c * width + j] * mean[j];
    }
  return scoreLinear(test, weight, bias);
}

/**
 * Standard error of the accuracy difference of two classifiers on the same test examples:
 * sd(d)/√n with d_i = correct_a(i) − correct_b(i).
 * @example pairedStandardError(new Uint8Array([1, 0]), new Uint8Array([0, 0])) // 0.5
 */
export function pairedStandardError(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length < 2)
    throw new Error(`pairedStandardError: need two equal lengths ≥ 2, got ${a.length} and ${b.length}`);
  const n = a.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (a[i] - b[i]) / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (a[i] - b[i] - mean) ** 2 / (n - 1);
  return Math.sqrt(variance / n);
}
