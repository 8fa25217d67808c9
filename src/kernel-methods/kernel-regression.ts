/**
 * Classification by ridgeless kernel regression on precomputed kernels, as the exact-CNTK papers
 * do (Arora et al. 2019, arXiv 1904.11955 §6 and its code; Li et al. 2019, arXiv 1911.00809 §6;
 * PAPERS.md §8): targets 0.9 for the true class and −0.1 for the others, no ridge, α = K⁻¹Y by
 * Cholesky in float64 (with the smallest diagonal jitter that works where rounding leaves K
 * indefinite: ridge.ts), predictions K_*α, the class of the first largest output; and the paired
 * comparison of two kernels on the same test images.
 */
import type { Dataset } from '../data/index.ts';
import type { Matrix } from '../linalg/index.ts';
import { kernelRidgeFit, kernelRidgePredict } from './ridge.ts';

/** Accuracy of kernel regression on one kernel, and the jitter relative to K's mean diagonal. */
export interface RegressionResult {
  accuracy: number;
  relativeJitter: number;
}

/** A regression's result and, per test image, whether it was classified correctly (1) or not (0). */
export interface RegressionOutcome extends RegressionResult {
  correct: Float64Array;
}

/** A paired difference of accuracies and its standard error. */
export interface PairedDifference {
  difference: number;
  standardError: number;
}

/**
 * Ridgeless kernel regression with train kernel K (n×n) and test kernel K_* (t×n), classifying
 * each test image by its largest output. `train` and `test` are datasets, or anything with
 * their labels (and, for `train`, the number of classes).
 * @example kernelRegression(kernels.train, kernels.test, split.train, split.test).accuracy
 */
export function kernelRegression(
  trainKernel: Matrix,
  testKernel: Matrix,
  train: Pick<Dataset, 'classes'> & { labels: ArrayLike<number> },
  test: { labels: ArrayLike<number> },
): RegressionOutcome {
  const [n, t, classes] = [train.labels.length, test.labels.length, train.classes];
  if (trainKernel.rows !== n || trainKernel.cols !== n || testKernel.rows !== t || testKernel.cols !== n)
    throw new Error(
      `kernelRegression: kernels ${trainKernel.rows}×${trainKernel.cols} and ${testKernel.rows}×${testKernel.cols} ` +
        `do not fit ${n} training and ${t} test images (want ${n}×${n} and ${t}×${n})`,
    );
  const { coefficients, jitter } = kernelRidgeFit(
    trainKernel,
    regressionTargets(train.labels, classes, 'kernelRegression'),
    0,
  );
  const correct = correctOfScores(kernelRidgePredict(testKernel, coefficients), test.labels);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += trainKernel.data[i * n + i];
  return {
    accuracy: correct.reduce((sum, value) => sum + value, 0) / t,
    relativeJitter: jitter / (trace / n),
    correct,
  };
}

/**
 * The n×classes targets of the papers' kernel regression: 0.9 at the label, −0.1 elsewhere
 * (arXiv 1904.11955 §6). `caller` names the function in the error for a label outside 0…classes − 1.
 * @example regressionTargets(Int32Array.of(1), 3).data // Float64Array [-0.1, 0.9, -0.1]
 */
export function regressionTargets(labels: ArrayLike<number>, classes: number, caller = 'regressionTargets'): Matrix {
  const data = new Float64Array(labels.length * classes).fill(-0.1);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes)
      throw new Error(`${caller}: training label ${label} at ${i} is not in 0…${classes - 1}`);
    data[i * classes + label] = 0.9;
  }
  return { rows: labels.length, cols: classes, data };
}

/**
 * Per row of an n×classes score matrix, 1 where its first largest score is at the label, else 0.
 * @example correctOfScores({ rows: 2, cols: 2, data: Float64Array.of(2, 1, 0, 3) }, [0, 0]) // Float64Array [1, 0]
 */
export function correctOfScores(scores: Matrix, labels: ArrayLike<number>): Float64Array {
  if (scores.rows !== labels.length)
    throw new Error(`correctOfScores: ${scores.rows} rows of scores but ${labels.length} labels`);
  const classes = scores.cols;
  return Float64Array.from({ length: scores.rows }, (_, i) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (scores.data[i * classes + k] > scores.data[i * classes + best]) best = k;
    return best === labels[i] ? 1 : 0;
  });
}

/**
 * Fraction of rows of an n×classes score matrix whose first largest score is at the label.
 * @example accuracyOfScores({ rows: 2, cols: 2, data: Float64Array.of(2, 1, 0, 3) }, [0, 0]) // 0.5
 */
export function accuracyOfScores(scores: Matrix, labels: ArrayLike<number>): number {
  if (scores.rows === 0) throw new Error('accuracyOfScores: no rows of scores; the accuracy of none is undefined');
  const correct = correctOfScores(scores, labels);
  return correct.reduce((sum, value) => sum + value, 0) / correct.length;
}

/**
 * Accuracy of `first` minus that of `second` on the same test images, and the standard error
 * of that difference from the per-image differences (a paired comparison).
 * @example pairedDifference(gap, vanilla) // { difference: 0.027, standardError: 0.021 }
 */
export function pairedDifference(
  first: { correct: ArrayLike<number> },
  second: { correct: ArrayLike<number> },
): PairedDifference {
  const n = first.correct.length;
  if (second.correct.length !== n)
    throw new Error(
      `pairedDifference: ${n} and ${second.correct.length} test images; a paired comparison needs the same ones`,
    );
  const differences = Array.from(first.correct, (value, i) => value - second.correct[i]);
  const mean = differences.reduce((sum, value) => sum + value, 0) / n;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, n - 1);
  return { difference: mean, standardError: Math.sqrt(variance / n) };
}
