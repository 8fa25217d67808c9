/**
 * Seeded k-fold cross-validation splits (optionally stratified by class) and accuracy.
 * Same seed, same folds, on every machine: the shuffles draw from the project's Random.
 */
import { Random } from '../../gpu/random.ts';

/** One fold: indices held out for evaluation, and the rest for training; both ascending. */
export interface Fold {
  train: number[];
  test: number[];
}

/** Options of `kFoldSplit`. */
export interface KFoldOptions {
  /** Class id of each point: every class is spread over the folds as evenly as possible. */
  stratifyBy?: ArrayLike<number>;
}

/**
 * Splits 0…count−1 into `folds` disjoint test sets of sizes differing by at most one,
 * after a seeded Fisher–Yates shuffle. Stratified, each class is shuffled separately and
 * dealt round-robin, continuing the deal across classes, so every class's count and every
 * fold's size differ by at most one between folds (as scikit-learn's StratifiedKFold aims to).
 * @example kFoldSplit(6, 3, 0).map((fold) => fold.test.length) // [2, 2, 2]
 */
export function kFoldSplit(count: number, folds: number, seed: number, options: KFoldOptions = {}): Fold[] {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`kFoldSplit: count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(folds) || folds < 2 || folds > count) {
    throw new Error(`kFoldSplit: folds must be an integer in [2, count = ${count}], got ${folds}`);
  }
  const random = new Random(seed);
  let dealOrder: number[];
  const { stratifyBy } = options;
  if (stratifyBy === undefined) {
    dealOrder = shuffle(
      Array.from({ length: count }, (_, index) => index),
      random,
    );
  } else {
    if (stratifyBy.length !== count) {
      throw new Error(`kFoldSplit: stratifyBy must have length count = ${count}, got ${stratifyBy.length}`);
    }
    const byClass = new Map<number, number[]>();
    for (let index = 0; index < count; index++) {
      const label = stratifyBy[index];
      if (!Number.isInteger(label))
        throw new Error(`kFoldSplit: stratifyBy[${index}] = ${label} is not an integer class id`);
      const members = byClass.get(label);
      if (members) members.push(index);
      else byClass.set(label, [index]);
    }
    const labels = [...byClass.keys()].sort((a, b) => a - b);
    dealOrder = labels.flatMap((label) => shuffle(byClass.get(label)!, random));
  }
  const testSets: number[][] = Array.from({ length: folds }, () => []);
  dealOrder.forEach((index, position) => testSets[position % folds].push(index));
  return testSets.map((test) => {
    const held = new Set(test);
    return {
      train: Array.from({ length: count }, (_, index) => index).filter((index) => !held.has(index)),
      test: test.sort((a, b) => a - b),
    };
  });
}

/**
 * Fraction of positions where the predicted class equals the actual one.
 * @example accuracy([0, 1, 2, 2], [0, 1, 1, 2]) // 0.75
 */
export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (predicted.length !== actual.length) {
    throw new Error(
      `accuracy: predicted and actual must have equal lengths, got ${predicted.length} and ${actual.length}`,
    );
  }
  if (predicted.length === 0) throw new Error('accuracy: no predictions to score');
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
  return correct / predicted.length;
}

/** In-place Fisher–Yates shuffle (Knuth, TAOCP vol. 2, Algorithm 3.4.2P). */
function shuffle(values: number[], random: Random): number[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}
